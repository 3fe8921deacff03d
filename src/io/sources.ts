import { BufferSource } from "./buffer-source.js";
import type { ByteSource } from "./byte-source.js";
import { FileSource } from "./file-source.js";

/** Opens a local file as a ByteSource (close it when done). */
export function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  return FileSource.open(path);
}

/** In-memory bytes as a ByteSource (reads are views, not copies). */
export function bufferSource(bytes: Uint8Array, path = "memory:", mtime: Date | null = null): ByteSource {
  return new BufferSource(bytes, path, mtime);
}
