import type { ByteSource } from "./byte-source.js";

/** In-memory bytes as a ByteSource; reads return views, not copies. */
export class BufferSource implements ByteSource {
  constructor(
    private readonly bytes: Uint8Array,
    readonly path = "memory:",
    private readonly modified: Date | null = null,
  ) {}

  async size(): Promise<number> {
    return this.bytes.length;
  }

  async mtime(): Promise<Date | null> {
    return this.modified;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0) throw new RangeError(`invalid read (${offset}, ${length})`);
    return this.bytes.subarray(offset, Math.min(this.bytes.length, offset + length));
  }
}
