import { randomBytes } from "node:crypto";
import { open, rename } from "node:fs/promises";

/** Writes `bytes` to `path` so a reader (or a crash) sees the old file or the whole new one, never a part. */
export async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
