import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { scanHeaders } from "../core/header-scan.js";
import {
  type ByteRange,
  DEFAULT_INITIAL_READ_BYTES,
  DEFAULT_MAX_HEADER_BYTES,
  Inspection,
} from "../core/inspection.js";
import type { InspectionResult } from "../core/model.js";
import type { ByteSource } from "../io/byte-source.js";
import { FileSource } from "../io/file-source.js";

export interface InspectOptions {
  /** First read size; grown (doubled) until the headers are complete. Default 64 KiB. */
  initialReadBytes?: number;
  /** Hard cap on the header component; larger headers yield EXR_HEADER_TOO_LARGE. Default 64 MiB. */
  maxHeaderBytes?: number;
  /** Path reported in the result (defaults to the source's path). */
  path?: string;
}

/**
 * Inspects one EXR: headers, derived part/channel records, offset-table completeness and
 * validation. Reads only the header prefix, the offset tables and the last chunk's header.
 * Never throws: read failures become EXR_IO_ERROR findings.
 */
export async function inspect(source: ByteSource, options: InspectOptions = {}): Promise<InspectionResult> {
  const initial = Math.max(8, options.initialReadBytes ?? DEFAULT_INITIAL_READ_BYTES);
  const cap = Math.max(8, options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES);
  let bytesRead = 0;
  let size = 0;
  let mtime: Date | null = null;
  let headerHash: string | null = null;
  let inspection = new Inspection(options.path ?? source.path, 0, zlibInflate);
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const b = await source.read(offset, length);
    bytesRead += b.length;
    const expected = Math.max(0, Math.min(length, size - offset));
    if (b.length !== expected) throw new Error(`short read at ${offset}: ${b.length} of ${expected} bytes`);
    return b;
  };
  try {
    // The first read does not wait for the size: both are issued together.
    const firstLength = Math.min(initial, cap);
    const [knownSize, knownMtime, first] = await Promise.all([
      source.size(),
      source.mtime ? source.mtime() : null,
      source.read(0, firstLength),
    ]);
    size = knownSize;
    mtime = knownMtime;
    bytesRead += first.length;
    inspection = new Inspection(options.path ?? source.path, size, zlibInflate);
    if (first.length !== Math.min(firstLength, size)) {
      throw new Error(`short read at 0: ${first.length} of ${Math.min(firstLength, size)} bytes`);
    }
    let buf = first;
    let scan = scanHeaders(buf, size, cap);
    while (scan.kind === "need-more") {
      const target = Math.min(size, cap, Math.max(scan.needed, buf.length * 2));
      const more = await read(buf.length, target - buf.length);
      const grown = new Uint8Array(buf.length + more.length);
      grown.set(buf, 0);
      grown.set(more, buf.length);
      buf = grown;
      scan = scanHeaders(buf, size, cap);
    }
    inspection.setHeaders(buf, scan);
    if (scan.headerEnd !== null) {
      headerHash = createHash("sha256").update(buf.subarray(0, scan.headerEnd)).digest("hex");
    }
    const tables = inspection.tablesRange();
    if (tables) inspection.setTables(await within(buf, tables, read));
    const chunk = inspection.lastChunkRange();
    if (chunk) inspection.setLastChunk(await within(buf, chunk, read));
  } catch (err) {
    inspection.ioError(err);
  }
  return inspection.result({ size, mtime, bytesRead, headerHash });
}

/** zlib inflate bounded by `maxLength` (node:zlib throws past it; the core turns that into a finding). */
export function zlibInflate(compressed: Uint8Array, maxLength: number): Uint8Array {
  return inflateSync(compressed, { maxOutputLength: maxLength });
}

/** The range from the prefix already in memory when it is there, else one read. */
async function within(
  buf: Uint8Array,
  range: ByteRange,
  read: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  if (range.offset + range.length <= buf.length)
    return buf.subarray(range.offset, range.offset + range.length);
  return read(range.offset, range.length);
}

/** Opens, inspects and closes a local file; open failures become an EXR_IO_ERROR result. */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectionResult> {
  let source: FileSource;
  try {
    source = await FileSource.open(path);
  } catch (err) {
    const failed = new Inspection(options.path ?? path, 0);
    failed.ioError(err);
    return failed.result({ size: 0, mtime: null, bytesRead: 0, headerHash: null });
  }
  const result = await inspect(source, options);
  // Nothing depends on the close of a read-only handle, so it is not awaited: the next file's
  // open overlaps it. A failed close cannot change the result.
  source.close().catch(() => undefined);
  return result;
}
