import { type FileHandle, open } from "node:fs/promises";
import type { ByteSource } from "./byte-source.js";

/** A local file read with positioned reads on one FileHandle; `open` stats it once. */
export class FileSource implements ByteSource {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly bytes: number,
    private readonly modified: Date,
  ) {}

  static async open(path: string): Promise<FileSource> {
    const handle = await open(path, "r");
    try {
      const st = await handle.stat();
      return new FileSource(path, handle, st.size, st.mtime);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async size(): Promise<number> {
    return this.bytes;
  }

  async mtime(): Promise<Date | null> {
    return this.modified;
  }

  /** Exactly `length` bytes (fewer only at end of file), in a buffer of exactly that size. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, this.bytes - offset));
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const { bytesRead } = await this.handle.read(out, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === n ? out : out.subarray(0, done);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
