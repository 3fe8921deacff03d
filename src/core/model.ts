/**
 * The inspection result: the JSON contract of `exr-inspector inspect --format json`
 * (published as schema/inspection.schema.json). Every consumer (CLI, catalog adapters,
 * embeddings, the DataEngine shim) reads this shape, so change it only with SCHEMA_VERSION.
 */
export const SCHEMA_VERSION = "1.0.0";

export type Severity = "error" | "warning" | "info";

/** A validation finding or a parse error. Errors are values: nothing in the core throws. */
export interface Finding {
  /** Stable machine code, e.g. `EXR_TRUNCATED_HEADER`, `EXR_OFFSET_ZERO`. */
  code: string;
  severity: Severity;
  message: string;
  part_index?: number | null;
  attribute?: string | null;
  chunk_index?: number | null;
  byte_offset?: number | null;
}

export type ValidationStatus = "ok" | "warning" | "error";

/** JSON form of an attribute value (see issue 2 for the encoding of each type). */
export type JsonAttributeValue =
  | number
  | string
  | boolean
  | null
  | JsonAttributeValue[]
  | { [key: string]: JsonAttributeValue };

export interface AttributeRecord {
  name: string;
  /** The type name exactly as stored in the file (`box2i`, `myCustomType`, ...). */
  type: string;
  /** Stored value size in bytes. */
  size: number;
  /** Absolute byte offset of the attribute's name in the file. */
  offset: number;
  value: JsonAttributeValue;
}

export interface Box2 {
  min: [number, number];
  max: [number, number];
}

export type PartType = "scanlineimage" | "tiledimage" | "deepscanline" | "deeptile";
export type LevelMode = "ONE_LEVEL" | "MIPMAP_LEVELS" | "RIPMAP_LEVELS";
export type RoundingMode = "ROUND_DOWN" | "ROUND_UP";
export type ChannelType = "uint" | "half" | "float";

export interface TileLevel {
  level_x: number;
  level_y: number;
  width: number;
  height: number;
  tiles_x: number;
  tiles_y: number;
}

export interface Tiling {
  x_size: number;
  y_size: number;
  level_mode: LevelMode;
  rounding_mode: RoundingMode;
  num_x_levels: number;
  num_y_levels: number;
  levels: TileLevel[];
}

export interface PartRecord {
  part_index: number;
  type: PartType | null;
  part_name: string | null;
  view_name: string | null;
  /** Views listed by a `multiView` stringvector attribute (multi-view single-part files); null when absent. */
  views: string[] | null;
  data_window: Box2 | null;
  display_window: Box2 | null;
  width: number | null;
  height: number | null;
  display_width: number | null;
  display_height: number | null;
  pixel_aspect_ratio: number | null;
  line_order: string | null;
  compression: string | null;
  is_tiled: boolean;
  is_deep: boolean;
  tiling: Tiling | null;
  /** `chunkCount` attribute as stored (null when absent, e.g. single-part v1 files). */
  chunk_count_stored: number | null;
  /** Chunk count computed from data window, compression and tiling. */
  chunk_count: number | null;
  /** Byte offset of this part's header and of its offset table. */
  header_offset: number;
  offset_table_offset: number | null;
  /** Smallest and largest chunk offsets found in the offset table (null when none valid). */
  data_offset_min: number | null;
  data_offset_max: number | null;
  /** Chunks whose offset entry is valid and whose chunk fits in the file. */
  chunks_present: number | null;
  attributes: AttributeRecord[];
}

export interface ChannelRecord {
  part_index: number;
  name: string;
  layer_name: string | null;
  component_name: string;
  type: ChannelType | string;
  x_sampling: number;
  y_sampling: number;
  p_linear: boolean;
}

export interface VersionFlags {
  /** The raw 24 flag bits of the version field. */
  raw: number;
  tiled: boolean;
  long_names: boolean;
  non_image: boolean;
  multipart: boolean;
}

export interface FileRecord {
  path: string;
  size_bytes: number;
  /** ISO 8601, UTC. Null for in-memory sources. */
  mtime: string | null;
  /** SHA-256 (hex) of the raw header bytes: magic + version + all part headers (+ the empty-header terminator). */
  header_hash: string | null;
  header_bytes: number | null;
  bytes_read: number;
  version: number | null;
  flags: VersionFlags | null;
  multipart_count: number;
  is_deep: boolean;
  is_complete: boolean;
  frame_number: number | null;
  /** Remote objects only: the ETag of the version read (null when the server sent none). */
  etag?: string | null;
  /** Remote objects only: ranged GETs sent, retries included. */
  requests?: number;
}

export interface InspectionResult {
  schema_version: string;
  file: FileRecord;
  parts: PartRecord[];
  channels: ChannelRecord[];
  validation: {
    status: ValidationStatus;
    findings: Finding[];
  };
}
