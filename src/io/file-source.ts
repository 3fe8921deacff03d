import type { FileHandle } from "node:fs/promises";
import type { ByteSource } from "./byte-source.js";
import { openRegularFile } from "./regular-file.js";
import { markStuck } from "./stuck-operations.js";

/** How long one open, stat or read of a local file may take before it fails (a hung network mount). */
export const FILE_READ_TIMEOUT_MS = 60_000;

/** `operation`, or a rejection once `ms` pass first (the operation itself cannot be cancelled; it is abandoned). */
export function withTimeout<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      markStuck(operation);
      reject(new Error(`${what} timed out after ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A local file read with positioned reads on one FileHandle (regular files only: see regular-file.ts); every
 * open, stat and read fails after `timeoutMs`. Size and mtime come from one fstat,
 * issued lazily so that callers can run it concurrently with the first read.
 */
export class FileSource implements ByteSource {
  private stats: Promise<{ size: number; mtime: Date }> | null = null;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly timeoutMs: number,
  ) {}

  static async open(path: string, timeoutMs = FILE_READ_TIMEOUT_MS): Promise<FileSource> {
    const opening = openRegularFile(path);
    try {
      return new FileSource(path, await withTimeout(opening, timeoutMs, `opening ${path}`), timeoutMs);
    } catch (err) {
      // A handle that arrives after the timeout is closed rather than leaked.
      void opening.then((h) => h.close()).catch(() => undefined);
      throw err;
    }
  }

  private stat(): Promise<{ size: number; mtime: Date }> {
    this.stats ??= withTimeout(this.handle.stat(), this.timeoutMs, `stat of ${this.path}`);
    return this.stats;
  }

  async size(): Promise<number> {
    return (await this.stat()).size;
  }

  async mtime(): Promise<Date | null> {
    return (await this.stat()).mtime;
  }

  /** Exactly `length` bytes (fewer only at end of file). */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, length);
    // Every byte is overwritten by the read (or cut off below), so skip zero-filling.
    const out = Buffer.allocUnsafe(n);
    let done = 0;
    // Stryker disable next-line EqualityOperator: at done === n one more read asks for 0 bytes, gets 0 and stops
    while (done < n) {
      const { bytesRead } = await withTimeout(
        this.handle.read(out, done, n - done, offset + done),
        this.timeoutMs,
        `read of ${this.path} at ${offset + done}`,
      );
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    // A plain Uint8Array (not a Buffer) like every other source, so the core sees one array shape.
    return new Uint8Array(out.buffer, out.byteOffset, done);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
