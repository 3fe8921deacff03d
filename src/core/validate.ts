import { textOf } from "./channels.js";
import { DEEP_COMPRESSIONS } from "./compression.js";
import { finding } from "./findings.js";
import type { DecodedHeader } from "./header-decode.js";
import { numberFromJson } from "./json-number.js";
import type { ChannelRecord, Finding, PartRecord, VersionFlags } from "./model.js";
import { isInverted, PART_TYPES } from "./part-derive.js";

/** Standard attributes and the type each must be stored with (a Map: no prototype keys like "toString"). */
const STANDARD_TYPES: ReadonlyMap<string, string> = new Map([
  ["channels", "chlist"],
  ["compression", "compression"],
  ["dataWindow", "box2i"],
  ["displayWindow", "box2i"],
  ["lineOrder", "lineOrder"],
  ["pixelAspectRatio", "float"],
  ["screenWindowCenter", "v2f"],
  ["screenWindowWidth", "float"],
  ["tiles", "tiledesc"],
  ["name", "string"],
  ["type", "string"],
  ["view", "string"],
  ["chunkCount", "int"],
  ["version", "int"],
  ["maxSamplesPerPixel", "int"],
  ["multiView", "stringvector"],
  ["chromaticities", "chromaticities"],
  ["timeCode", "timecode"],
  ["preview", "preview"],
  ["envmap", "envmap"],
  ["keyCode", "keycode"],
  ["deepImageState", "deepImageState"],
]);

const REQUIRED = [
  "channels",
  "compression",
  "dataWindow",
  "displayWindow",
  "lineOrder",
  "pixelAspectRatio",
  "screenWindowCenter",
  "screenWindowWidth",
] as const;

const SHARED_REQUIRED = ["displayWindow", "pixelAspectRatio"] as const;
const SHARED_OPTIONAL = ["timeCode", "chromaticities"] as const;

/**
 * Structural validation of parsed headers and derived parts (separate from parsing).
 * Returns coded findings; completeness findings come from the offset-table analysis.
 */
export function validateFile(
  flags: VersionFlags,
  headers: readonly DecodedHeader[],
  parts: readonly PartRecord[],
  channels: readonly ChannelRecord[],
): Finding[] {
  const out: Finding[] = [];
  if (flags.tiled && (flags.multipart || flags.non_image)) {
    out.push(
      finding(
        "EXR_INVALID_FLAG_COMBINATION",
        "the single-part tiled bit is set on a multi-part or deep file",
        {
          byte_offset: 4,
        },
      ),
    );
  }
  headers.forEach((h, i) => {
    const part = parts[i];
    if (part)
      validatePart(
        out,
        flags,
        h,
        part,
        channels.filter((c) => c.part_index === i),
      );
  });
  if (headers.length > 1) validateShared(out, headers);
  validatePartNames(out, parts);
  return out;
}

function validatePart(
  out: Finding[],
  flags: VersionFlags,
  h: DecodedHeader,
  part: PartRecord,
  channels: readonly ChannelRecord[],
): void {
  const p = part.part_index;
  const at = (attribute: string) => ({
    part_index: p,
    attribute,
    byte_offset: h.byName.get(attribute)?.offset ?? null,
  });

  for (const a of h.byName.values()) {
    const want = STANDARD_TYPES.get(a.name);
    if (want && a.type !== want) {
      out.push(
        finding(
          "EXR_ATTRIBUTE_WRONG_TYPE",
          `"${a.name}" is stored as ${a.type}; it must be ${want}`,
          at(a.name),
        ),
      );
    }
  }

  const requireAttribute = (name: string) => {
    if (!h.byName.has(name)) {
      out.push(
        finding("EXR_MISSING_REQUIRED_ATTRIBUTE", `required attribute "${name}" is missing`, {
          part_index: p,
          attribute: name,
        }),
      );
    }
  };
  for (const name of REQUIRED) requireAttribute(name);
  if (part.is_tiled) requireAttribute("tiles");
  // The layout document also lists `name` for single-part deep files, but the OpenEXR library
  // writes and reads them without one (its own deep test images have none).
  if (flags.multipart || flags.non_image) {
    requireAttribute("type");
    requireAttribute("chunkCount");
  }
  if (flags.multipart) requireAttribute("name");
  if (part.is_deep) requireAttribute("version"); // "version is required for deep data parts" (layout document)

  const typeAttr = h.byName.get("type");
  const typeText = typeAttr?.type === "string" ? textOf(typeAttr.value) : null;
  if (typeText !== null) {
    const known = PART_TYPES.includes(typeText as never);
    const deep = typeText === "deepscanline" || typeText === "deeptile";
    if (!known) {
      out.push(finding("EXR_UNKNOWN_PART_TYPE", `type "${typeText}" is not a known part type`, at("type")));
    } else if (flags.multipart) {
      if (deep && !flags.non_image) {
        out.push(
          finding(
            "EXR_TYPE_FLAG_MISMATCH",
            `type "${typeText}" needs the non-image flag (0x800)`,
            at("type"),
          ),
        );
      }
    } else {
      const expected = flags.tiled ? "tiledimage" : flags.non_image ? null : "scanlineimage";
      if ((expected !== null && typeText !== expected) || (expected === null && !deep)) {
        const flagText = flags.tiled
          ? "tiled flag set"
          : flags.non_image
            ? "non-image flag set"
            : "no tiled/non-image flag";
        out.push(
          finding(
            "EXR_TYPE_FLAG_MISMATCH",
            `type "${typeText}" contradicts the version flags (${flagText})`,
            at("type"),
          ),
        );
      }
    }
  }

  const version = h.byName.get("version");
  if (version?.type === "int" && version.value !== 1) {
    out.push(
      finding("EXR_UNKNOWN_PART_VERSION", `part version ${String(version.value)} is not 1`, at("version")),
    );
  }

  const compression = h.byName.get("compression");
  if (compression?.type === "compression") {
    if (typeof compression.value === "number") {
      out.push(
        finding(
          "EXR_UNKNOWN_COMPRESSION",
          `compression value ${compression.value} is unknown`,
          at("compression"),
        ),
      );
    } else if (
      part.is_deep &&
      typeof compression.value === "string" &&
      !DEEP_COMPRESSIONS.has(compression.value)
    ) {
      out.push(
        finding(
          "EXR_DEEP_COMPRESSION_UNSUPPORTED",
          `deep part uses ${compression.value} compression`,
          at("compression"),
        ),
      );
    }
  }
  const lineOrder = h.byName.get("lineOrder");
  if (lineOrder?.type === "lineOrder" && typeof lineOrder.value === "number") {
    out.push(
      finding("EXR_UNKNOWN_LINE_ORDER", `lineOrder value ${lineOrder.value} is unknown`, at("lineOrder")),
    );
  }

  for (const name of ["dataWindow", "displayWindow"] as const) {
    const box = name === "dataWindow" ? part.data_window : part.display_window;
    if (box && isInverted(box)) {
      out.push(
        finding(
          "EXR_INVALID_WINDOW",
          `${name} max (${box.max.join(",")}) is below min (${box.min.join(",")})`,
          at(name),
        ),
      );
    }
  }

  const par = h.byName.get("pixelAspectRatio");
  const parValue = numberFromJson(par?.value);
  if (par?.type === "float" && !(parValue !== null && parValue > 0 && Number.isFinite(parValue))) {
    out.push(
      finding(
        "EXR_INVALID_PIXEL_ASPECT_RATIO",
        `pixelAspectRatio ${String(par.value)} is not finite and positive`,
        at("pixelAspectRatio"),
      ),
    );
  }
  const sww = h.byName.get("screenWindowWidth");
  const swwValue = numberFromJson(sww?.value);
  if (sww?.type === "float" && !(swwValue !== null && swwValue >= 0 && Number.isFinite(swwValue))) {
    out.push(
      finding(
        "EXR_INVALID_SCREEN_WINDOW_WIDTH",
        `screenWindowWidth ${String(sww.value)} is not finite and >= 0`,
        at("screenWindowWidth"),
      ),
    );
  }

  const tiles = h.byName.get("tiles");
  if (
    part.is_tiled &&
    tiles?.type === "tiledesc" &&
    tiles.value &&
    typeof tiles.value === "object" &&
    !Array.isArray(tiles.value)
  ) {
    const t = tiles.value;
    const problems: string[] = [];
    if (t.x_size === 0 || t.y_size === 0) problems.push(`tile size ${t.x_size}x${t.y_size}`);
    if (typeof t.level_mode === "number") problems.push(`level mode ${t.level_mode}`);
    if (typeof t.rounding_mode === "number") problems.push(`rounding mode ${t.rounding_mode}`);
    if (problems.length > 0) {
      out.push(
        finding(
          "EXR_INVALID_TILE_DESCRIPTION",
          `invalid tile description: ${problems.join(", ")}`,
          at("tiles"),
        ),
      );
    }
  }

  validateChannels(out, part, channels, at("channels"));

  const chunkCount = h.byName.get("chunkCount");
  if (chunkCount?.type === "int" && typeof chunkCount.value === "number" && chunkCount.value < 0) {
    out.push(
      finding("EXR_INVALID_CHUNK_COUNT", `chunkCount ${chunkCount.value} is negative`, at("chunkCount")),
    );
  } else if (
    part.chunk_count_stored !== null &&
    part.chunk_count !== null &&
    part.chunk_count_stored !== part.chunk_count
  ) {
    out.push(
      finding(
        "EXR_CHUNK_COUNT_MISMATCH",
        `chunkCount is ${part.chunk_count_stored}, the header implies ${part.chunk_count}`,
        at("chunkCount"),
      ),
    );
  }
}

function validateChannels(
  out: Finding[],
  part: PartRecord,
  channels: readonly ChannelRecord[],
  loc: { part_index: number; attribute: string; byte_offset: number | null },
): void {
  const dw = part.data_window;
  const window = dw !== null && !isInverted(dw) ? dw : null;
  // While names ascend strictly (the rule, and the usual case) none can repeat: the set of names
  // seen is built only once one does not.
  let seen: Set<string> | null = null;
  let previous: string | null = null;
  let unsortedReported = false;
  if (
    channels.length === 0 &&
    part.attributes.some((a) => a.name === "channels" && a.type === "chlist" && Array.isArray(a.value))
  ) {
    out.push(finding("EXR_NO_CHANNELS", "the channel list is empty", loc));
  }
  for (let i = 0; i < channels.length; i++) {
    const c = channels[i]!;
    if (c.type !== "uint" && c.type !== "half" && c.type !== "float") {
      out.push(finding("EXR_INVALID_CHANNEL_TYPE", `channel "${c.name}" has pixel type ${c.type}`, loc));
    }
    if (!(c.x_sampling === 1 && c.y_sampling === 1)) {
      let bad: string[] | null = samplingProblems(null, "x", c.x_sampling, window, 0);
      bad = samplingProblems(bad, "y", c.y_sampling, window, 1);
      if (bad !== null)
        out.push(finding("EXR_INVALID_SAMPLING", `channel "${c.name}": ${bad.join("; ")}`, loc));
    }
    if (seen === null && previous !== null && !(c.name > previous))
      seen = new Set(channels.slice(0, i).map((earlier) => earlier.name));
    if (seen !== null) {
      if (seen.has(c.name))
        out.push(finding("EXR_DUPLICATE_CHANNEL", `channel "${c.name}" appears twice`, loc));
      seen.add(c.name);
    }
    if (previous !== null && c.name < previous && !unsortedReported) {
      unsortedReported = true;
      out.push(finding("EXR_CHANNELS_NOT_SORTED", `channel "${c.name}" follows "${previous}"`, loc));
    }
    previous = c.name;
  }
}

/** Appends what is wrong with one axis's sampling to `bad` (created on the first problem). */
function samplingProblems(
  bad: string[] | null,
  axis: "x" | "y",
  s: number,
  dw: { min: number[]; max: number[] } | null,
  i: 0 | 1,
): string[] | null {
  if (!(s >= 1)) return [...(bad ?? []), `${axis} sampling ${s} < 1`];
  if (dw === null) return bad;
  let out = bad;
  if (dw.min[i]! % s !== 0)
    out = [
      ...(out ?? []),
      `data window ${axis} origin ${dw.min[i]} is not a multiple of ${axis} sampling ${s}`,
    ];
  const size = dw.max[i]! - dw.min[i]! + 1;
  if (size % s !== 0)
    out = [...(out ?? []), `data window ${axis} size ${size} is not a multiple of ${axis} sampling ${s}`];
  return out;
}

function validateShared(out: Finding[], headers: readonly DecodedHeader[]): void {
  const first = headers[0]!;
  const key = (h: DecodedHeader, name: string) => {
    const a = h.byName.get(name);
    return a ? `${a.type}:${JSON.stringify(a.value)}` : null;
  };
  const names = [...SHARED_REQUIRED, ...SHARED_OPTIONAL];
  const firstKeys = names.map((name) => key(first, name));
  headers.slice(1).forEach((h, k) => {
    const p = k + 1;
    names.forEach((name, n) => {
      const a = firstKeys[n] ?? null;
      const b = key(h, name);
      const optional = (SHARED_OPTIONAL as readonly string[]).includes(name);
      if (a === b || (!optional && (a === null || b === null))) return;
      out.push(
        finding(
          "EXR_SHARED_ATTRIBUTE_MISMATCH",
          b === null || a === null
            ? `"${name}" is present in ${a === null ? `part ${p}` : "part 0"} only; it must be shared by all parts`
            : `"${name}" differs from part 0; it must be shared by all parts`,
          { part_index: p, attribute: name, byte_offset: h.byName.get(name)?.offset ?? null },
        ),
      );
    });
  });
}

function validatePartNames(out: Finding[], parts: readonly PartRecord[]): void {
  const seen = new Set<string>();
  for (const p of parts) {
    if (p.part_name === null) continue;
    if (seen.has(p.part_name)) {
      out.push(
        finding("EXR_DUPLICATE_PART_NAME", `part name "${p.part_name}" is used twice`, {
          part_index: p.part_index,
          attribute: "name",
        }),
      );
    }
    seen.add(p.part_name);
  }
}
