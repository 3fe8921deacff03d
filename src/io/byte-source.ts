/**
 * The only I/O the inspector needs: random-access reads of a byte range.
 * Implementations: file (file-source.ts), in-memory buffer (buffer-source.ts), S3 range GETs (s3-source.ts).
 */
export interface ByteSource {
  /** Display path / URI of the source (`/abs/path.exr`, `s3://bucket/key`, `memory:name`). */
  readonly path: string;
  /** Total size in bytes. */
  size(): Promise<number>;
  /**
   * Read up to `length` bytes at `offset`. Returns fewer bytes only at end of source.
   * Never returns bytes past the end.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Modification time, when the source has one. */
  mtime?(): Promise<Date | null>;
  close?(): Promise<void>;
}
