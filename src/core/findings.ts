import type { Finding, Severity } from "./model.js";

/**
 * Every finding code the core can emit, with its severity and meaning.
 * Codes are stable: consumers (CLI exit codes, catalog rows, dashboards) match on them.
 */
export const FINDING_CODES = {
  EXR_IO_ERROR: ["error", "The source could not be read (open/read failure)."],
  EXR_NOT_A_REGULAR_FILE: [
    "error",
    "The path is a FIFO, socket, device or other special file: it is never opened (reading one could block forever).",
  ],
  EXR_SOURCE_NOT_FOUND: ["error", "The object or URL does not exist (no such bucket, key or path: 404)."],
  EXR_SOURCE_ACCESS_DENIED: [
    "error",
    "The object could not be read with the credentials found (missing, refused: 401/403); the message names their source.",
  ],
  EXR_SOURCE_UNAVAILABLE: [
    "error",
    "The endpoint was unreachable, timed out or kept failing (5xx, throttling, resets) after every retry.",
  ],
  EXR_SOURCE_CHANGED: [
    "error",
    "The object was replaced while it was read (its ETag changed), also when read again from the start.",
  ],
  EXR_FILE_TOO_SMALL: ["error", "The file is shorter than the 8-byte magic number and version field."],
  EXR_BAD_MAGIC: ["error", "The first four bytes are not the OpenEXR magic number 20000630."],
  EXR_UNSUPPORTED_VERSION: ["error", "The version number (low 8 bits of the version field) is not 2."],
  EXR_UNKNOWN_FLAGS: ["error", "Version-field flag bits other than 0x200/0x400/0x800/0x1000 are set."],
  EXR_INVALID_FLAG_COMBINATION: [
    "error",
    "The tiled bit (0x200) is set together with the deep or multipart bit.",
  ],
  EXR_HEADER_TOO_LARGE: ["error", "The headers did not end within the configured maximum header size."],
  EXR_TRUNCATED_HEADER: ["error", "The file ends inside the header component."],
  EXR_BAD_ATTRIBUTE_NAME: [
    "error",
    "An attribute name or type name is unterminated or longer than 255 bytes.",
  ],
  EXR_EMPTY_TYPE_NAME: ["error", "An attribute has an empty type name."],
  EXR_NAME_TOO_LONG: [
    "error",
    "An attribute or type name is longer than 31 bytes while the long-names flag (0x400) is not set.",
  ],
  EXR_BAD_ATTRIBUTE_SIZE: ["error", "An attribute's size is negative."],
  EXR_ATTRIBUTE_SIZE_MISMATCH: [
    "error",
    "An attribute's stored size does not match the layout of its type; the raw bytes are kept.",
  ],
  EXR_IDMANIFEST_INVALID: [
    "warning",
    "An idmanifest attribute does not inflate or parse as an OpenEXR ID manifest (its sizes are still reported).",
  ],
  EXR_DUPLICATE_ATTRIBUTE: ["error", "The same attribute name appears twice in one header."],
  EXR_ATTRIBUTE_WRONG_TYPE: [
    "error",
    "A standard attribute is stored with a type other than the required one.",
  ],
  EXR_INVALID_UTF8: ["warning", "A string is not valid UTF-8; it is kept as text plus its raw bytes."],
  EXR_NO_PARTS: ["error", "A multi-part file contains no part header."],
  EXR_MISSING_REQUIRED_ATTRIBUTE: ["error", "A required attribute is missing from a part header."],
  EXR_UNKNOWN_PART_VERSION: [
    "warning",
    "A part's `version` attribute is not 1, the only data version the layout document describes.",
  ],
  EXR_UNKNOWN_COMPRESSION: ["error", "The compression value is not a known compression method."],
  EXR_DEEP_COMPRESSION_UNSUPPORTED: [
    "error",
    "A deep part uses a compression other than none, rle, zips or zip.",
  ],
  EXR_UNKNOWN_LINE_ORDER: ["error", "The lineOrder value is not INCREASING_Y, DECREASING_Y or RANDOM_Y."],
  EXR_INVALID_CHANNEL_TYPE: ["error", "A channel's pixel type is not uint (0), half (1) or float (2)."],
  EXR_INVALID_SAMPLING: [
    "error",
    "A channel's x/y sampling is < 1 or does not divide the data window origin and size.",
  ],
  EXR_DUPLICATE_CHANNEL: ["error", "Two channels of one part have the same name."],
  EXR_CHANNELS_NOT_SORTED: ["warning", "The channel list is not in ascending byte order of channel names."],
  EXR_NO_CHANNELS: ["warning", "An image part has an empty channel list."],
  EXR_INVALID_PIXEL_ASPECT_RATIO: ["error", "pixelAspectRatio is not a finite positive number."],
  EXR_INVALID_SCREEN_WINDOW_WIDTH: ["error", "screenWindowWidth is not a finite number >= 0."],
  EXR_INVALID_WINDOW: [
    "error",
    "A data or display window is inverted (max < min) or exceeds the int32 range.",
  ],
  EXR_INVALID_TILE_DESCRIPTION: ["error", "The tile size is 0 or the level/rounding mode is unknown."],
  EXR_UNKNOWN_PART_TYPE: [
    "error",
    "The `type` attribute is not scanlineimage, tiledimage, deepscanline or deeptile.",
  ],
  EXR_TYPE_FLAG_MISMATCH: ["error", "The `type` attribute contradicts the version-field flags."],
  EXR_INVALID_CHUNK_COUNT: ["error", "The stored chunkCount is negative."],
  EXR_CHUNK_COUNT_MISMATCH: [
    "error",
    "The stored chunkCount differs from the count computed from the header.",
  ],
  EXR_SHARED_ATTRIBUTE_MISMATCH: [
    "error",
    "An attribute that must be shared by all parts (displayWindow, pixelAspectRatio, timeCode, chromaticities) differs.",
  ],
  EXR_DUPLICATE_PART_NAME: ["error", "Two parts have the same name."],
  EXR_CHUNK_COUNT_UNKNOWN: [
    "error",
    "A part's chunk count cannot be determined (no usable chunkCount, dataWindow, compression or tiles), so its offset table and all later ones cannot be located.",
  ],
  EXR_OFFSET_TABLE_TRUNCATED: ["error", "The file ends inside an offset table."],
  EXR_OFFSET_ZERO: ["error", "An offset-table entry is 0: the writer never finished this chunk."],
  EXR_OFFSET_OUT_OF_RANGE: [
    "error",
    "An offset-table entry points before the end of the offset tables or past EOF.",
  ],
  EXR_CHUNK_OVERLAP: ["error", "A chunk has no room for its chunk header before the next chunk starts."],
  EXR_CHUNK_TRUNCATED: ["error", "The file is shorter than its last chunk."],
  EXR_CHUNK_HEADER_INVALID: [
    "error",
    "A chunk's header (the last chunk's, or every chunk's in verify) names another part, other coordinates, or negative sizes.",
  ],
  EXR_CHUNK_CORRUPT: [
    "error",
    "A chunk's compressed pixel data does not decode (corrupt, cut short, or decoding to the wrong size).",
  ],
  EXR_CHUNK_SIZE_MISMATCH: [
    "error",
    "A chunk's stored sizes disagree with the pixels its position holds (e.g. uncompressed data of the wrong length).",
  ],
  EXR_DEEP_SAMPLE_COUNTS_INVALID: [
    "error",
    "A deep chunk's sample-count table is not non-decreasing per line, or its total disagrees with the sample data.",
  ],
  EXR_UNSUPPORTED_COMPRESSION: [
    "warning",
    "The pixels use a compression this version does not decode; they are reported, never guessed.",
  ],
  EXR_FINDINGS_ELIDED: ["info", "More findings of one code in one part were summarised into this one."],
} as const satisfies Record<string, readonly [Severity, string]>;

export type FindingCode = keyof typeof FINDING_CODES;

export interface FindingLocation {
  part_index?: number | null;
  attribute?: string | null;
  chunk_index?: number | null;
  byte_offset?: number | null;
}

export function finding(code: FindingCode, message: string, location: FindingLocation = {}): Finding {
  return {
    code,
    severity: FINDING_CODES[code][0],
    message,
    part_index: location.part_index ?? null,
    attribute: location.attribute ?? null,
    chunk_index: location.chunk_index ?? null,
    byte_offset: location.byte_offset ?? null,
  };
}

/** Caps repeated findings (e.g. 10,000 zero offsets) per (code, part) and appends one summary each. */
export class FindingSink {
  readonly findings: Finding[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly perCodeLimit = 20) {}

  add(f: Finding): void {
    const key = `${f.code}\u0000${f.part_index ?? ""}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= this.perCodeLimit) this.findings.push(f);
  }

  addAll(fs: readonly Finding[]): void {
    for (const f of fs) this.add(f);
  }

  /** Findings plus one EXR_FINDINGS_ELIDED summary per capped (code, part). */
  finish(): Finding[] {
    const out = this.findings.slice();
    for (const [key, n] of this.counts) {
      if (n <= this.perCodeLimit) continue;
      const [code, part] = key.split("\u0000") as [string, string];
      out.push(
        finding("EXR_FINDINGS_ELIDED", `${n - this.perCodeLimit} more ${code} findings not listed`, {
          part_index: part === "" ? null : Number(part),
        }),
      );
    }
    return out;
  }
}

export function statusOf(findings: readonly Finding[]): "ok" | "warning" | "error" {
  let warn = false;
  for (const f of findings) {
    if (f.severity === "error") return "error";
    if (f.severity === "warning") warn = true;
  }
  return warn ? "warning" : "ok";
}
