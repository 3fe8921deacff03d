import { type FindingCode, finding } from "./findings.js";
import type { Finding, VersionFlags } from "./model.js";
import { internedName } from "./name-intern.js";
import { KNOWN_FLAGS, MAGIC, parseVersionField } from "./version.js";

/** One attribute as laid out in the file, before its value is decoded. */
export interface RawAttribute {
  name: string;
  type: string;
  size: number;
  /** Absolute offset of the attribute name. */
  offset: number;
  /** Absolute offset of the value bytes. */
  valueOffset: number;
}

export interface RawHeader {
  /** Absolute offset of the header's first attribute. */
  offset: number;
  attributes: RawAttribute[];
  /** True when the header's terminating NUL byte was read. */
  terminated: boolean;
}

export type HeaderScan =
  | { kind: "need-more"; needed: number }
  | {
      kind: "done";
      version: number | null;
      flags: VersionFlags | null;
      headers: RawHeader[];
      /** End of the header component (after the last terminator); null when it was not reached. */
      headerEnd: number | null;
      findings: Finding[];
    };

type Location = Parameters<typeof finding>[2];

/**
 * How much a too-short header prefix grows per step (the scan restarts on the grown prefix, so
 * few large steps beat many small ones: a 24 KiB header read 16 → 32 KiB scanned twice as much).
 */
export const GROWTH = 4;
/**
 * The most a step reads past the byte the scan needs next. Without it, the step after a multi-MB attribute
 * (a Cryptomatte manifest) grew the prefix 4x and read most of the file; with it such a header costs its own
 * size plus at most this much (one more step of a remote read covers the attributes after it).
 */
export const MAX_SPECULATIVE_BYTES = 256 * 1024;
const SHORT_NAME_MAX = 31;
const LONG_NAME_MAX = 255;

/**
 * Walks magic, version and every header of `buf`, a prefix of a file of `fileSize` bytes.
 * Reports "need-more" when the prefix ends inside the headers and more of the file exists
 * (within `maxHeaderBytes`); otherwise returns the structure found, with coded findings for
 * anything malformed. Never throws and never allocates beyond the names it returns.
 */
export function scanHeaders(buf: Uint8Array, fileSize: number, maxHeaderBytes: number): HeaderScan {
  return new HeaderScanner(buf, fileSize, maxHeaderBytes).scan();
}

/**
 * One scan's state. Bounds checks are inline comparisons; locations and messages are built only
 * on the paths that stop the scan (this runs for every attribute of every inspected file).
 */
class HeaderScanner {
  private readonly findings: Finding[] = [];
  private readonly headers: RawHeader[] = [];
  private readonly available: number;
  private version: number | null = null;
  private flags: VersionFlags | null = null;
  private pos = 0;
  /** Set when a name could not be read: the scan's result. */
  private stopped: HeaderScan | null = null;

  constructor(
    private readonly buf: Uint8Array,
    private readonly fileSize: number,
    private readonly maxHeaderBytes: number,
  ) {
    this.available = Math.min(fileSize, maxHeaderBytes);
  }

  scan(): HeaderScan {
    const buf = this.buf;
    if (buf.length < 8) {
      if (this.fileSize >= 8) return { kind: "need-more", needed: 8 };
      this.fail("EXR_FILE_TOO_SMALL", `file is ${this.fileSize} bytes; an EXR needs at least 8`, {
        byte_offset: 0,
      });
      return this.done(null);
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const magic = view.getInt32(0, true);
    if (magic !== MAGIC) {
      this.fail("EXR_BAD_MAGIC", `magic number is ${magic >>> 0}, expected ${MAGIC}`, { byte_offset: 0 });
      return this.done(null);
    }
    const { version, flags } = parseVersionField(view.getUint32(4, true));
    this.version = version;
    this.flags = flags;
    if (version !== 2) {
      this.fail("EXR_UNSUPPORTED_VERSION", `version ${version} is not supported (expected 2)`, {
        byte_offset: 4,
      });
      return this.done(null);
    }
    if ((flags.raw & ~KNOWN_FLAGS) !== 0) {
      this.fail(
        "EXR_UNKNOWN_FLAGS",
        `unknown version flag bits 0x${(flags.raw & ~KNOWN_FLAGS).toString(16)}`,
        {
          byte_offset: 4,
        },
      );
    }
    const nameMax = flags.long_names ? LONG_NAME_MAX : SHORT_NAME_MAX;
    const multipart = flags.multipart;
    const headers = this.headers;
    this.pos = 8;

    for (let part = 0; ; part++) {
      if (multipart) {
        const at = this.pos;
        if (at + 1 > buf.length)
          return this.stop(at + 1, "the header list", { part_index: part, byte_offset: at });
        if (buf[at] === 0) {
          this.pos = at + 1;
          if (headers.length === 0)
            this.fail("EXR_NO_PARTS", "multi-part file has no part header", { byte_offset: at });
          return this.done(this.pos);
        }
      }
      const header: RawHeader = { offset: this.pos, attributes: [], terminated: false };
      headers.push(header);
      for (;;) {
        const start = this.pos;
        if (start + 1 > buf.length)
          return this.stop(start + 1, "a header", { part_index: part, byte_offset: start });
        if (buf[start] === 0) {
          this.pos = start + 1;
          header.terminated = true;
          break;
        }
        const name = this.readName("attribute name", part, null, nameMax);
        if (name === null) return this.stopped!;
        const type = this.readName("attribute type name", part, name, nameMax);
        if (type === null) return this.stopped!;
        if (type.length === 0) {
          this.fail("EXR_EMPTY_TYPE_NAME", `attribute "${name}" has an empty type name`, {
            part_index: part,
            attribute: name,
            byte_offset: start,
          });
        }
        const sizeAt = this.pos;
        if (sizeAt + 4 > buf.length) {
          return this.stop(sizeAt + 4, `the size of attribute "${name}"`, {
            part_index: part,
            attribute: name,
            byte_offset: start,
          });
        }
        const size = view.getInt32(sizeAt, true);
        if (size < 0) {
          this.fail("EXR_BAD_ATTRIBUTE_SIZE", `attribute "${name}" has negative size ${size}`, {
            part_index: part,
            attribute: name,
            byte_offset: sizeAt,
          });
          return this.done(null);
        }
        const valueOffset = sizeAt + 4;
        if (valueOffset + size > buf.length) {
          return this.stop(valueOffset + size, `the ${size}-byte value of attribute "${name}"`, {
            part_index: part,
            attribute: name,
            byte_offset: start,
          });
        }
        this.pos = valueOffset + size;
        header.attributes.push({ name, type, size, offset: start, valueOffset });
      }
      if (!multipart) return this.done(this.pos);
    }
  }

  private fail(code: FindingCode, message: string, loc: Location): void {
    this.findings.push(finding(code, message, loc));
  }

  private done(headerEnd: number | null): HeaderScan {
    return {
      kind: "done",
      version: this.version,
      flags: this.flags,
      headers: this.headers,
      headerEnd,
      findings: this.findings,
    };
  }

  /**
   * `end` bytes are needed but `buf` is shorter (`end > buf.length`): asks for more of the file, or
   * records why there is no more (truncation, or the header size limit) and ends the scan.
   */
  private stop(end: number, what: string, loc: Location): HeaderScan {
    const buf = this.buf;
    if (end <= this.available)
      return {
        kind: "need-more",
        needed: Math.max(end, Math.min(this.available, buf.length * GROWTH, end + MAX_SPECULATIVE_BYTES)),
      };
    if (end > this.fileSize) {
      // located at the truncated item's start: the same however much of the file was read
      this.fail("EXR_TRUNCATED_HEADER", `file ends inside ${what} (file size ${this.fileSize})`, loc);
    } else {
      this.fail(
        "EXR_HEADER_TOO_LARGE",
        `headers exceed the ${this.maxHeaderBytes}-byte header size limit (${what})`,
        { ...loc, byte_offset: this.maxHeaderBytes },
      );
    }
    return this.done(null);
  }

  /** Reads a NUL-terminated name at `pos`; null (with `stopped` set) when the scan must stop. */
  private readName(what: string, part: number, attribute: string | null, nameMax: number): string | null {
    const buf = this.buf;
    const start = this.pos;
    const limit = Math.min(buf.length, start + LONG_NAME_MAX + 1);
    let nul = start;
    while (nul < limit && buf[nul] !== 0) nul++;
    if (nul >= limit) {
      this.stopped = this.unterminatedName(what, part, attribute, start);
      return null;
    }
    const name = internedName(buf, start, nul);
    this.pos = nul + 1;
    if (nul - start > nameMax) {
      this.fail(
        "EXR_NAME_TOO_LONG",
        `${what} "${name}" is ${nul - start} bytes (max ${nameMax} without long names)`,
        { part_index: part, attribute: attribute ?? name, byte_offset: start },
      );
    }
    return name;
  }

  private unterminatedName(what: string, part: number, attribute: string | null, start: number): HeaderScan {
    const loc = { part_index: part, attribute, byte_offset: start };
    const windowEnd = start + LONG_NAME_MAX + 1;
    if (windowEnd > this.buf.length) {
      const want = Math.min(windowEnd, this.fileSize);
      if (want > this.buf.length) return this.stop(want, what, loc);
      this.fail("EXR_TRUNCATED_HEADER", `file ends inside ${what} (file size ${this.fileSize})`, loc);
      return this.done(null);
    }
    this.fail(
      "EXR_BAD_ATTRIBUTE_NAME",
      `${what} at byte ${start} is unterminated or longer than ${LONG_NAME_MAX}`,
      loc,
    );
    return this.done(null);
  }
}
