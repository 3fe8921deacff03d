import { ByteReader } from "./byte-reader.js";
import { type FindingCode, finding } from "./findings.js";
import type { Finding, VersionFlags } from "./model.js";
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

const SHORT_NAME_MAX = 31;
const LONG_NAME_MAX = 255;

class Stop {
  constructor(readonly needed: number | null) {}
}

/**
 * Walks magic, version and every header of `buf`, a prefix of a file of `fileSize` bytes.
 * Reports "need-more" when the prefix ends inside the headers and more of the file exists
 * (within `maxHeaderBytes`); otherwise returns the structure found, with coded findings for
 * anything malformed. Never throws and never allocates beyond the names it returns.
 */
export function scanHeaders(buf: Uint8Array, fileSize: number, maxHeaderBytes: number): HeaderScan {
  const findings: Finding[] = [];
  const available = Math.min(fileSize, maxHeaderBytes);
  const wholeAvailable = buf.length >= available;
  const fail = (code: FindingCode, message: string, loc: Parameters<typeof finding>[2] = {}) =>
    findings.push(finding(code, message, loc));

  // Returns "stop" when `end` bytes are not in buf: asks for more, or records why there is no more.
  const require = (end: number, what: string, loc: Parameters<typeof finding>[2]): Stop | null => {
    if (end <= buf.length) return null;
    if (end <= available && !wholeAvailable)
      return new Stop(Math.max(end, Math.min(available, buf.length * 2)));
    if (end > fileSize || buf.length >= fileSize) {
      // located at the truncated item's start: the same however much of the file was read
      fail("EXR_TRUNCATED_HEADER", `file ends inside ${what} (file size ${fileSize})`, loc);
    } else {
      fail("EXR_HEADER_TOO_LARGE", `headers exceed the ${maxHeaderBytes}-byte header size limit (${what})`, {
        ...loc,
        byte_offset: maxHeaderBytes,
      });
    }
    return new Stop(null);
  };

  const done = (
    version: number | null,
    flags: VersionFlags | null,
    headers: RawHeader[],
    end: number | null,
  ) => ({ kind: "done", version, flags, headers, headerEnd: end, findings }) as const;

  if (buf.length < 8) {
    if (fileSize >= 8) return { kind: "need-more", needed: 8 };
    fail("EXR_FILE_TOO_SMALL", `file is ${fileSize} bytes; an EXR needs at least 8`, { byte_offset: 0 });
    return done(null, null, [], null);
  }
  const r = new ByteReader(buf);
  const magic = r.i32();
  if (magic !== MAGIC) {
    fail("EXR_BAD_MAGIC", `magic number is ${magic >>> 0}, expected ${MAGIC}`, { byte_offset: 0 });
    return done(null, null, [], null);
  }
  const { version, flags } = parseVersionField(r.u32());
  if (version !== 2) {
    fail("EXR_UNSUPPORTED_VERSION", `version ${version} is not supported (expected 2)`, { byte_offset: 4 });
    return done(version, flags, [], null);
  }
  if ((flags.raw & ~KNOWN_FLAGS) !== 0) {
    fail("EXR_UNKNOWN_FLAGS", `unknown version flag bits 0x${(flags.raw & ~KNOWN_FLAGS).toString(16)}`, {
      byte_offset: 4,
    });
  }
  const nameMax = flags.long_names ? LONG_NAME_MAX : SHORT_NAME_MAX;
  const headers: RawHeader[] = [];

  // Reads a NUL-terminated name; returns it, or a Stop.
  const readName = (what: string, part: number, attribute: string | null): string | Stop => {
    const start = r.pos;
    const nul = r.findNul(LONG_NAME_MAX);
    if (nul < 0) {
      const windowEnd = start + LONG_NAME_MAX + 1;
      if (windowEnd > buf.length) {
        const want = Math.min(windowEnd, fileSize);
        if (want > buf.length) {
          return require(want, what, { part_index: part, attribute, byte_offset: start }) ?? new Stop(null);
        }
        fail("EXR_TRUNCATED_HEADER", `file ends inside ${what} (file size ${fileSize})`, {
          part_index: part,
          attribute,
          byte_offset: start,
        });
        return new Stop(null);
      }
      fail(
        "EXR_BAD_ATTRIBUTE_NAME",
        `${what} at byte ${start} is unterminated or longer than ${LONG_NAME_MAX}`,
        {
          part_index: part,
          attribute,
          byte_offset: start,
        },
      );
      return new Stop(null);
    }
    const name = nameText(buf.subarray(start, nul));
    r.pos = nul + 1;
    if (nul - start > nameMax) {
      fail(
        "EXR_NAME_TOO_LONG",
        `${what} "${name}" is ${nul - start} bytes (max ${nameMax} without long names)`,
        {
          part_index: part,
          attribute: attribute ?? name,
          byte_offset: start,
        },
      );
    }
    return name;
  };

  for (let part = 0; ; part++) {
    if (flags.multipart) {
      const stop = require(r.pos + 1, "the header list", { part_index: part, byte_offset: r.pos });
      if (stop)
        return stop.needed !== null
          ? { kind: "need-more", needed: stop.needed }
          : done(version, flags, headers, null);
      if (buf[r.pos] === 0) {
        r.pos++;
        if (headers.length === 0)
          fail("EXR_NO_PARTS", "multi-part file has no part header", { byte_offset: r.pos - 1 });
        return done(version, flags, headers, r.pos);
      }
    }
    const header: RawHeader = { offset: r.pos, attributes: [], terminated: false };
    headers.push(header);
    for (;;) {
      const start = r.pos;
      let stop = require(start + 1, "a header", { part_index: part, byte_offset: start });
      if (stop)
        return stop.needed !== null
          ? { kind: "need-more", needed: stop.needed }
          : done(version, flags, headers, null);
      if (buf[start] === 0) {
        r.pos++;
        header.terminated = true;
        break;
      }
      const name = readName("attribute name", part, null);
      if (name instanceof Stop) {
        return name.needed !== null
          ? { kind: "need-more", needed: name.needed }
          : done(version, flags, headers, null);
      }
      const type = readName("attribute type name", part, name);
      if (type instanceof Stop) {
        return type.needed !== null
          ? { kind: "need-more", needed: type.needed }
          : done(version, flags, headers, null);
      }
      if (type.length === 0) {
        fail("EXR_EMPTY_TYPE_NAME", `attribute "${name}" has an empty type name`, {
          part_index: part,
          attribute: name,
          byte_offset: start,
        });
      }
      stop = require(r.pos + 4, `the size of attribute "${name}"`, {
        part_index: part,
        attribute: name,
        byte_offset: start,
      });
      if (stop)
        return stop.needed !== null
          ? { kind: "need-more", needed: stop.needed }
          : done(version, flags, headers, null);
      const size = r.i32();
      if (size < 0) {
        fail("EXR_BAD_ATTRIBUTE_SIZE", `attribute "${name}" has negative size ${size}`, {
          part_index: part,
          attribute: name,
          byte_offset: r.pos - 4,
        });
        return done(version, flags, headers, null);
      }
      const valueOffset = r.pos;
      stop = require(valueOffset + size, `the ${size}-byte value of attribute "${name}"`, {
        part_index: part,
        attribute: name,
        byte_offset: start,
      });
      if (stop)
        return stop.needed !== null
          ? { kind: "need-more", needed: stop.needed }
          : done(version, flags, headers, null);
      r.pos = valueOffset + size;
      header.attributes.push({ name, type, size, offset: start, valueOffset });
    }
    if (!flags.multipart) return done(version, flags, headers, r.pos);
  }
}

const latin = new TextDecoder("utf-8", { fatal: false });

function nameText(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7f) return latin.decode(bytes);
  }
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
