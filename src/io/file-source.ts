import { type FileHandle, open } from "node:fs/promises";
import type { ByteSource } from "./byte-source.js";

/**
 * A local file read with positioned reads on one FileHandle. Size and mtime come from one fstat,
 * issued lazily so that callers can run it concurrently with the first read.
 */
export class FileSource implements ByteSource {
  private stats: Promise<{ size: number; mtime: Date }> | null = null;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<FileSource> {
    return new FileSource(path, await open(path, "r"));
  }

  private stat(): Promise<{ size: number; mtime: Date }> {
    this.stats ??= this.handle.stat();
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
    while (done < n) {
      const { bytesRead } = await this.handle.read(out, done, n - done, offset + done);
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
