import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ByteSource } from "../../src/io/byte-source.js";

/** Wraps a source and records every read, to prove the inspector reads only what it must. */
export class CountingSource implements ByteSource {
  readonly reads: Array<{ offset: number; length: number; got: number }> = [];

  constructor(private readonly inner: ByteSource) {}

  get path(): string {
    return this.inner.path;
  }

  get bytesRead(): number {
    return this.reads.reduce((n, r) => n + r.got, 0);
  }

  /** The largest single read: the largest buffer the inspector asked the source to allocate. */
  get largestRead(): number {
    return this.reads.reduce((n, r) => Math.max(n, r.length), 0);
  }

  size(): Promise<number> {
    return this.inner.size();
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = await this.inner.read(offset, length);
    this.reads.push({ offset, length, got: out.length });
    return out;
  }
}

/** The corpus root from EXR_CORPUS, or null (tests then skip with a message). */
export function corpusRoot(): string | null {
  const root = process.env.EXR_CORPUS;
  if (!root) return null;
  try {
    return statSync(root).isDirectory() ? root : null;
  } catch {
    return null;
  }
}

export const CORPUS_SKIP_REASON =
  "EXR_CORPUS is unset or missing: corpus tests skipped (generated fixtures still run)";

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (!/\.(rst|md|txt)$/i.test(name) && !/^(COPYING|LICENSE|README)/i.test(name)) out.push(p);
  }
  return out;
}
