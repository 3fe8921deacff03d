import type { DecodeHost } from "./attributes/decoded.js";
import type { Inflate } from "./attributes/idmanifest.js";
import { channelRecords } from "./channels.js";
import { type ChunkCheck, checkChunk } from "./chunk-header.js";
import { type FindingCode, FindingSink, finding, statusOf } from "./findings.js";
import { frameNumberFromPath } from "./frame-number.js";
import { decodeHeaders } from "./header-decode.js";
import type { HeaderScan } from "./header-scan.js";
import { isoTimestamp } from "./iso-timestamp.js";
import {
  type ChannelRecord,
  type Finding,
  type InspectionResult,
  type PartRecord,
  SCHEMA_VERSION,
} from "./model.js";
import { analyzeTables, chunkHeaderSize, layoutTables } from "./offset-tables.js";
import { type DerivedPart, derivePart } from "./part-derive.js";
import type { TableAnalysis, TableLayout } from "./table-layout.js";
import { validateFile } from "./validate.js";

/** Codes a remote source's read failure carries (see src/io/source-error.ts); like EXR_IO_ERROR otherwise. */
const SOURCE_CODES: ReadonlySet<string> = new Set([
  "EXR_SOURCE_NOT_FOUND",
  "EXR_SOURCE_ACCESS_DENIED",
  "EXR_SOURCE_UNAVAILABLE",
  "EXR_SOURCE_CHANGED",
]);

export const DEFAULT_INITIAL_READ_BYTES = 64 * 1024;
export const DEFAULT_MAX_HEADER_BYTES = 64 * 1024 * 1024;

type DoneScan = Extract<HeaderScan, { kind: "done" }>;

export interface ByteRange {
  offset: number;
  length: number;
}

/** I/O-derived fields of the file record, supplied by whoever did the reading. */
export interface FileFacts {
  size: number;
  mtime: Date | null;
  bytesRead: number;
  /** SHA-256 hex of bytes [0, headerEnd), computed outside the core. */
  headerHash: string | null;
}

/**
 * The pure half of an inspection. The caller feeds it bytes in three steps (headers, offset
 * tables, last chunk header), asking it which range to read next; it never does I/O itself.
 */
export class Inspection {
  private scan: DoneScan | null = null;
  /** The version flags' multi-part bit, once the headers are known (chunk headers then start with a part number). */
  private multipart = false;
  private derived: DerivedPart[] = [];
  private channels: ChannelRecord[] = [];
  private layout: TableLayout | null = null;
  private tables: TableAnalysis | null = null;
  private lastChunk: ChunkCheck | null = null;
  private readonly findings: Finding[] = [];
  private layoutComplete = true;

  constructor(
    readonly path: string,
    readonly fileSize: number,
    /** inflate: ID manifests are inflated to count their groups and entries; sha256: preview hashes. */
    private readonly host: DecodeHost & { inflate?: Inflate } = {},
  ) {}

  /** Step 1: `buf` is the file prefix the scan finished on (it holds every header byte). */
  setHeaders(buf: Uint8Array, scan: DoneScan): void {
    this.scan = scan;
    this.findings.push(...scan.findings);
    if (!scan.flags) return;
    const flags = scan.flags;
    this.multipart = flags.multipart;
    const decoded = decodeHeaders(buf, scan.headers, this.host);
    const headers = decoded.headers;
    this.findings.push(...decoded.findings);
    // Arrays read by optimized code are built by push, not Array#map: TurboFan's inlined map makes holey arrays
    // and the other tiers packed ones, so their readers met two maps and were deoptimized and compiled again,
    // late in a run (docs/BENCHMARKS.md, "Objects over S3").
    this.derived = [];
    for (let i = 0; i < headers.length; i++) this.derived.push(derivePart(headers[i]!, i, flags));
    // A loop, not flatMap: V8's flatMap was most of this method's time.
    for (let i = 0; i < headers.length; i++) {
      const chlist = headers[i]!.byName.get("channels");
      for (const c of channelRecords(i, chlist?.type === "chlist" ? chlist.value : undefined))
        this.channels.push(c);
    }
    this.findings.push(...validateFile(flags, headers, this.records(), this.channels));
    if (scan.headerEnd === null) return;

    // A table can be located only if every earlier table's length is known.
    const entries: number[] = [];
    for (const d of this.derived) {
      if (d.tableEntries === null || d.record.type === null) {
        this.layoutComplete = false;
        this.findings.push(
          finding(
            "EXR_CHUNK_COUNT_UNKNOWN",
            "cannot determine the number of chunks; offset tables from here on are not read",
            {
              part_index: d.record.part_index,
            },
          ),
        );
        break;
      }
      entries.push(d.tableEntries);
    }
    this.layout = layoutTables(scan.headerEnd, entries);
  }

  /** Step 2: the byte range holding the offset tables, clamped to the file (null: nothing to read). */
  tablesRange(): ByteRange | null {
    if (!this.layout) return null;
    const end = Math.min(this.layout.end, this.fileSize);
    return { offset: this.layout.start, length: Math.max(0, end - this.layout.start) };
  }

  /** The parts' records, in a packed array (see setHeaders). */
  private records(): PartRecord[] {
    const out: PartRecord[] = [];
    for (const d of this.derived) out.push(d.record);
    return out;
  }

  setTables(bytes: Uint8Array): void {
    if (!this.layout) return;
    // Arrays built by push, not `map`: see setHeaders.
    const partTypes: PartRecord["type"][] = [];
    for (const d of this.derived) partTypes.push(d.record.type);
    this.tables = analyzeTables(bytes, this.layout, this.fileSize, partTypes, this.multipart);
    this.findings.push(...this.tables.findings);
    const stats = this.tables.stats;
    for (let i = 0; i < stats.length; i++) {
      const s = stats[i]!;
      const rec = this.derived[i]!.record;
      rec.offset_table_offset = s.offset_table_offset;
      rec.data_offset_min = s.data_offset_min;
      rec.data_offset_max = s.data_offset_max;
      rec.chunks_present = s.chunks_present;
    }
  }

  /** Step 3: the last chunk's header (null: none to check). */
  lastChunkRange(): ByteRange | null {
    const last = this.tables?.lastChunk;
    if (!last) return null;
    // The tables hold only parts of a known type, and name a last chunk only when its header fits before EOF.
    const type = this.derived[last.part]!.record.type!;
    return { offset: last.offset, length: chunkHeaderSize(type, this.multipart) };
  }

  setLastChunk(bytes: Uint8Array): void {
    const last = this.tables?.lastChunk;
    if (!last) return;
    const d = this.derived[last.part]!;
    this.lastChunk = checkChunk(
      bytes,
      last,
      d.record,
      d.linesPerChunk,
      this.multipart,
      this.fileSize,
      this.channels.filter((c) => c.part_index === last.part),
    );
    this.findings.push(...this.lastChunk.findings);
    // setTables counted every part of the tables (never null here)
    if (!this.lastChunk.fits) d.record.chunks_present!--;
  }

  /** The path names a FIFO, socket or device: nothing was read. */
  notARegularFile(message: string): void {
    this.findings.push(finding("EXR_NOT_A_REGULAR_FILE", message));
  }

  /** A read failure: a remote source's own code (EXR_SOURCE_…) when it carries one, else EXR_IO_ERROR. */
  ioError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | null)?.code;
    if (SOURCE_CODES.has(code as string)) this.findings.push(finding(code as FindingCode, message));
    else this.findings.push(finding("EXR_IO_ERROR", `read failed: ${message}`));
  }

  result(facts: FileFacts): InspectionResult {
    const scan = this.scan;
    const flags = scan?.flags ?? null;
    // Tables are analysed only after complete headers (and a table layout) were found.
    const complete =
      this.layoutComplete &&
      this.tables?.complete === true &&
      (this.lastChunk === null || (this.lastChunk.fits && this.lastChunk.findings.length === 0)) &&
      !this.findings.some((f) => f.code === "EXR_IO_ERROR" || SOURCE_CODES.has(f.code));
    const sink = new FindingSink();
    sink.addAll(this.findings);
    const findings = sink.finish();
    const parts = this.records();
    return {
      schema_version: SCHEMA_VERSION,
      file: {
        path: this.path,
        size_bytes: facts.size,
        mtime: facts.mtime ? isoTimestamp(facts.mtime.getTime()) : null,
        header_hash: facts.headerHash,
        header_bytes: scan?.headerEnd ?? null,
        bytes_read: facts.bytesRead,
        version: scan?.version ?? null,
        flags,
        multipart_count: parts.length,
        is_deep: (flags?.non_image ?? false) || parts.some((p) => p.is_deep),
        is_complete: complete,
        frame_number: frameNumberFromPath(this.path),
      },
      parts,
      channels: this.channels,
      validation: { status: statusOf(findings), findings },
    };
  }
}
