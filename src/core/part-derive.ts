import { textOf } from "./channels.js";
import { linesPerChunk } from "./compression.js";
import type { DecodedHeader } from "./header-decode.js";
import { numberFromJson } from "./json-number.js";
import type {
  AttributeRecord,
  Box2,
  JsonAttributeValue,
  PartRecord,
  PartType,
  VersionFlags,
} from "./model.js";
import { computeTiling, tileCount } from "./tiling.js";

export const PART_TYPES: readonly PartType[] = ["scanlineimage", "tiledimage", "deepscanline", "deeptile"];

/** The value of a standard attribute when it is stored with its required type; otherwise undefined. */
export function typedValue(h: DecodedHeader, name: string, type: string): JsonAttributeValue | undefined {
  const a: AttributeRecord | undefined = h.byName.get(name);
  return a && a.type === type ? a.value : undefined;
}

export function boxOf(v: JsonAttributeValue | undefined): Box2 | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const min = v.min;
  const max = v.max;
  if (!Array.isArray(min) || !Array.isArray(max)) return null;
  const [x0, y0] = min;
  const [x1, y1] = max;
  if (typeof x0 !== "number" || typeof y0 !== "number" || typeof x1 !== "number" || typeof y1 !== "number") {
    return null;
  }
  return { min: [x0, y0], max: [x1, y1] };
}

export function isInverted(b: Box2): boolean {
  return b.max[0] < b.min[0] || b.max[1] < b.min[1];
}

/**
 * The part's type: the `type` attribute for multi-part files; for single-part files the
 * version flags decide (as the OpenEXR library does), with the attribute choosing between
 * the two deep types.
 */
export function partTypeOf(h: DecodedHeader, flags: VersionFlags): PartType | null {
  const attr = textOf(typedValue(h, "type", "string"));
  const known = PART_TYPES.find((t) => t === attr) ?? null;
  if (flags.multipart) return known;
  if (flags.tiled) return "tiledimage";
  if (flags.non_image) return known === "deeptile" || known === "deepscanline" ? known : null;
  return "scanlineimage";
}

function integerOrNull(v: JsonAttributeValue | undefined): number | null {
  return Number.isInteger(v) ? (v as number) : null;
}

export interface DerivedPart {
  record: PartRecord;
  /** Entries in this part's offset table: the stored chunkCount when usable, else the computed count. */
  tableEntries: number | null;
  linesPerChunk: number | null;
}

/** Everything PartRecord reports that follows from one header alone. */
export function derivePart(h: DecodedHeader, part: number, flags: VersionFlags): DerivedPart {
  const type = partTypeOf(h, flags);
  const dataWindow = boxOf(typedValue(h, "dataWindow", "box2i"));
  const displayWindow = boxOf(typedValue(h, "displayWindow", "box2i"));
  const dataOk = dataWindow !== null && !isInverted(dataWindow);
  const displayOk = displayWindow !== null && !isInverted(displayWindow);
  const compressionValue = typedValue(h, "compression", "compression");
  const compression = typeof compressionValue === "string" ? compressionValue : null;
  const lineOrderValue = typedValue(h, "lineOrder", "lineOrder");
  const isTiled = type === "tiledimage" || type === "deeptile";
  const isDeep = type === "deepscanline" || type === "deeptile";

  let tiling: PartRecord["tiling"] = null;
  const tiles = typedValue(h, "tiles", "tiledesc");
  if (isTiled && dataOk && tiles && typeof tiles === "object" && !Array.isArray(tiles)) {
    const { x_size, y_size, level_mode, rounding_mode } = tiles;
    if (
      typeof x_size === "number" &&
      typeof y_size === "number" &&
      x_size > 0 &&
      y_size > 0 &&
      (level_mode === "ONE_LEVEL" || level_mode === "MIPMAP_LEVELS" || level_mode === "RIPMAP_LEVELS") &&
      (rounding_mode === "ROUND_DOWN" || rounding_mode === "ROUND_UP")
    ) {
      tiling = computeTiling(dataWindow, x_size, y_size, level_mode, rounding_mode);
    }
  }

  const lpc = compression ? linesPerChunk(compression) : null;
  let computed: number | null = null;
  if (isTiled) {
    computed = tiling ? tileCount(tiling) : null;
  } else if (type !== null && dataOk && lpc !== null) {
    computed = Math.ceil((dataWindow.max[1] - dataWindow.min[1] + 1) / lpc);
  }
  const storedValue = typedValue(h, "chunkCount", "int");
  const stored = integerOrNull(storedValue);
  const tableEntries = stored !== null && stored >= 0 ? stored : computed;

  const record: PartRecord = {
    part_index: part,
    type,
    part_name: textOf(typedValue(h, "name", "string")),
    view_name: textOf(typedValue(h, "view", "string")),
    views: viewsOf(typedValue(h, "multiView", "stringvector")),
    data_window: dataWindow,
    display_window: displayWindow,
    width: dataOk ? dataWindow.max[0] - dataWindow.min[0] + 1 : null,
    height: dataOk ? dataWindow.max[1] - dataWindow.min[1] + 1 : null,
    display_width: displayOk ? displayWindow.max[0] - displayWindow.min[0] + 1 : null,
    display_height: displayOk ? displayWindow.max[1] - displayWindow.min[1] + 1 : null,
    pixel_aspect_ratio: finiteOrNull(numberFromJson(typedValue(h, "pixelAspectRatio", "float"))),
    line_order: typeof lineOrderValue === "string" ? lineOrderValue : null,
    compression,
    is_tiled: isTiled,
    is_deep: isDeep,
    tiling,
    chunk_count_stored: stored,
    chunk_count: computed,
    header_offset: h.offset,
    offset_table_offset: null,
    data_offset_min: null,
    data_offset_max: null,
    chunks_present: null,
    attributes: h.attributes,
  };
  return { record, tableEntries, linesPerChunk: lpc };
}

function viewsOf(v: JsonAttributeValue | undefined): string[] | null {
  if (!Array.isArray(v)) return null;
  // Built by push, not `map` (see Inspection.setHeaders).
  const views: string[] = [];
  for (const s of v) views.push(textOf(s) ?? "");
  return views;
}

function finiteOrNull(v: number | null): number | null {
  return Number.isFinite(v) ? (v as number) : null;
}
