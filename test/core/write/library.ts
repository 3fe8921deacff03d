import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The official OpenEXR Python bindings, when the project's venv exists (tests skip otherwise). */
export const PYTHON = resolve(".venv/bin/python");
export const HAVE_LIBRARY = existsSync(PYTHON);
export const LIBRARY_SKIP_REASON = `official OpenEXR bindings not found at ${PYTHON} (create the venv from python/requirements.txt)`;

export interface LibraryChannel {
  dtype: string;
  shape: number[];
  sum: number;
  samples: number;
}
export interface LibraryRead {
  path: string;
  ok: boolean;
  error: string | null;
  parts: Array<{ type: string; attributes: string[]; channels?: Record<string, LibraryChannel> }>;
}

/** Writes the files to a temp dir and reads them with the official library (python/conformance/library_read.py). */
export function readWithLibrary(
  files: Record<string, Uint8Array>,
  pixels = true,
): Record<string, LibraryRead> {
  const dir = mkdtempSync(join(tmpdir(), "exr-write-"));
  const paths = Object.entries(files).map(([name, bytes]) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  });
  const args = ["python/conformance/library_read.py", ...(pixels ? ["--pixels"] : []), ...paths];
  const run = spawnSync(PYTHON, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`library_read.py failed: ${run.stderr}`);
  const out: Record<string, LibraryRead> = {};
  for (const line of run.stdout.trim().split("\n")) {
    const r = JSON.parse(line) as LibraryRead;
    out[r.path.slice(dir.length + 1)] = r;
  }
  return out;
}
