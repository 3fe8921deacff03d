/**
 * The catalog's tables as data, backend-neutral: the seed's four tables in schema `exr_metadata`, their columns
 * and kinds, and the schema version. Adapters derive their own DDL / Arrow schemas from these definitions.
 */
import type {
  AttributeRow,
  ChannelRow,
  FileRow,
  PartRow,
  PartStatRow,
  StatRow,
  ValidationResultRow,
} from "./rows.js";

/** How a column's value is written by the appender and read back into a row. */
export type ColumnKind =
  | "varchar"
  | "bigint"
  | "integer"
  | "double"
  | "float"
  | "boolean"
  | "timestamp"
  | "varchar[]"
  | "float[384]"
  | "float[128]";

export interface ColumnSpec<Row> {
  name: keyof Row & string;
  kind: ColumnKind;
  notNull?: boolean;
}

/**
 * Column order of each table — the seed's columns first (names and meanings kept), then the additions.
 * Every adapter derives its own definitions from these lists (DuckDB DDL and appenders, VAST Arrow schemas),
 * so the backends cannot disagree.
 */
export const FILE_COLUMNS: ColumnSpec<FileRow>[] = [
  { name: "file_id", kind: "varchar", notNull: true },
  { name: "file_path", kind: "varchar", notNull: true },
  { name: "file_path_normalized", kind: "varchar", notNull: true },
  { name: "header_hash", kind: "varchar", notNull: true },
  { name: "size_bytes", kind: "bigint" },
  { name: "mtime", kind: "timestamp" },
  { name: "multipart_count", kind: "integer" },
  { name: "is_deep", kind: "boolean" },
  { name: "metadata_embedding", kind: "float[384]" },
  { name: "inspection_timestamp", kind: "timestamp", notNull: true },
  { name: "inspection_count", kind: "integer", notNull: true },
  { name: "last_inspected", kind: "timestamp", notNull: true },
  { name: "frame_number", kind: "integer" },
  { name: "is_complete", kind: "boolean" },
  { name: "validation_status", kind: "varchar", notNull: true },
  { name: "header_bytes", kind: "bigint" },
  { name: "error_codes", kind: "varchar[]" },
  { name: "error_message", kind: "varchar" },
  { name: "etag", kind: "varchar" },
];

export const PART_COLUMNS: ColumnSpec<PartRow>[] = [
  { name: "file_id", kind: "varchar", notNull: true },
  { name: "file_path", kind: "varchar", notNull: true },
  { name: "part_index", kind: "integer", notNull: true },
  { name: "part_name", kind: "varchar" },
  { name: "view_name", kind: "varchar" },
  { name: "multi_view", kind: "boolean" },
  { name: "data_window", kind: "varchar" },
  { name: "display_window", kind: "varchar" },
  { name: "pixel_aspect_ratio", kind: "float" },
  { name: "line_order", kind: "varchar" },
  { name: "compression", kind: "varchar" },
  { name: "is_tiled", kind: "boolean" },
  { name: "tile_width", kind: "integer" },
  { name: "tile_height", kind: "integer" },
  { name: "tile_depth", kind: "integer" },
  { name: "is_deep", kind: "boolean" },
  { name: "part_type", kind: "varchar" },
  { name: "width", kind: "bigint" },
  { name: "height", kind: "bigint" },
  { name: "display_width", kind: "bigint" },
  { name: "display_height", kind: "bigint" },
  { name: "data_offset_min", kind: "bigint" },
  { name: "data_offset_max", kind: "bigint" },
  { name: "chunk_count", kind: "bigint" },
  { name: "level_mode", kind: "varchar" },
  { name: "color_space", kind: "varchar" },
  { name: "render_software", kind: "varchar" },
];

export const CHANNEL_COLUMNS: ColumnSpec<ChannelRow>[] = [
  { name: "file_id", kind: "varchar", notNull: true },
  { name: "file_path", kind: "varchar", notNull: true },
  { name: "part_index", kind: "integer", notNull: true },
  { name: "channel_name", kind: "varchar", notNull: true },
  { name: "channel_type", kind: "varchar" },
  { name: "x_sampling", kind: "integer" },
  { name: "y_sampling", kind: "integer" },
  { name: "channel_fingerprint", kind: "float[128]" },
  { name: "layer_name", kind: "varchar" },
  { name: "component_name", kind: "varchar" },
  { name: "p_linear", kind: "boolean" },
];

export const ATTRIBUTE_COLUMNS: ColumnSpec<AttributeRow>[] = [
  { name: "file_id", kind: "varchar", notNull: true },
  { name: "file_path", kind: "varchar", notNull: true },
  { name: "part_index", kind: "integer" },
  { name: "attribute_name", kind: "varchar", notNull: true },
  { name: "attribute_type", kind: "varchar" },
  { name: "attribute_value", kind: "varchar" },
  { name: "attribute_index", kind: "integer", notNull: true },
  { name: "value_number", kind: "double" },
  { name: "value_text", kind: "varchar" },
];

/**
 * Policy verdicts, one row per (file_id, policy_id, rule_id). Not part of a file's record: written by
 * `putValidationResults`, which replaces every earlier row of each (file_id, policy_id) it is given.
 */
export const VALIDATION_RESULT_COLUMNS: ColumnSpec<ValidationResultRow>[] = [
  { name: "file_id", kind: "varchar", notNull: true },
  { name: "policy_id", kind: "varchar", notNull: true },
  { name: "rule_id", kind: "varchar", notNull: true },
  { name: "severity", kind: "varchar", notNull: true },
  { name: "outcome", kind: "varchar", notNull: true },
  { name: "message", kind: "varchar" },
  { name: "expected", kind: "varchar" },
  { name: "actual", kind: "varchar" },
  { name: "suggested_fix", kind: "varchar" },
  { name: "checked_at", kind: "timestamp", notNull: true },
];

/**
 * Pixel statistics (`scan --stats`), one row per (file_id, part_index, level_x, level_y, channel_name). Not part of a
 * file's record: written by `putPixelStats`, which replaces every earlier `stats` and `part_stats` row of each file
 * it is given (catalog/pixel-stats.ts).
 */
export const STAT_COLUMNS: ColumnSpec<StatRow>[] = [
  { name: "file_id", kind: "varchar", notNull: true },
  { name: "part_index", kind: "integer", notNull: true },
  { name: "level_x", kind: "integer", notNull: true },
  { name: "level_y", kind: "integer", notNull: true },
  { name: "channel_name", kind: "varchar", notNull: true },
  { name: "type", kind: "varchar", notNull: true },
  { name: "min", kind: "double" },
  { name: "max", kind: "double" },
  { name: "mean", kind: "double" },
  { name: "stddev", kind: "double" },
  { name: "nan_count", kind: "bigint", notNull: true },
  { name: "inf_count", kind: "bigint", notNull: true },
  { name: "finite_count", kind: "bigint", notNull: true },
  { name: "constant", kind: "boolean", notNull: true },
  { name: "computed_at", kind: "timestamp", notNull: true },
];

/** Per decoded part: pixel hash, monochrome, deep summary (`scan --stats`); one row per (file_id, part_index). */
export const PART_STAT_COLUMNS: ColumnSpec<PartStatRow>[] = [
  { name: "file_id", kind: "varchar", notNull: true },
  { name: "part_index", kind: "integer", notNull: true },
  { name: "pixel_hash", kind: "varchar" },
  { name: "monochrome", kind: "boolean" },
  { name: "total_samples", kind: "bigint" },
  { name: "pixels_with_samples", kind: "bigint" },
  { name: "pixels_without_samples", kind: "bigint" },
  { name: "samples_histogram", kind: "varchar" },
  { name: "min_depth", kind: "double" },
  { name: "max_depth", kind: "double" },
  { name: "computed_at", kind: "timestamp", notNull: true },
];

/** The schema (namespace) holding the catalog tables, in every backend. */
export const CATALOG_SCHEMA = "exr_metadata";

/**
 * Version of the catalog's layout, written into export manifests (an export newer than this is refused). The DuckDB
 * adapter numbers its migrations on the same scale (its version 2 added only a DuckDB-side sketch column).
 */
export const CATALOG_SCHEMA_VERSION = 2;

export type CatalogTable = "files" | "parts" | "channels" | "attributes";
export const CATALOG_TABLES: readonly CatalogTable[] = ["files", "parts", "channels", "attributes"];
export const CHILD_TABLES: readonly Exclude<CatalogTable, "files">[] = ["parts", "channels", "attributes"];

// biome-ignore lint/suspicious/noExplicitAny: the four row types share only their column specs' shape
export const TABLE_COLUMNS: Record<CatalogTable, ColumnSpec<any>[]> = {
  files: FILE_COLUMNS,
  parts: PART_COLUMNS,
  channels: CHANNEL_COLUMNS,
  attributes: ATTRIBUTE_COLUMNS,
};

/** Every table a backend stores: the four of a file's record, then the policy verdicts and pixel statistics. */
export type StoredTable = CatalogTable | "validation_results" | PixelStatsTable;
export type PixelStatsTable = "stats" | "part_stats";
export const PIXEL_STATS_TABLES: readonly PixelStatsTable[] = ["stats", "part_stats"];
export const STORED_TABLES: readonly StoredTable[] = [
  ...CATALOG_TABLES,
  "validation_results",
  ...PIXEL_STATS_TABLES,
];

// biome-ignore lint/suspicious/noExplicitAny: the row types share only their column specs' shape
export const STORED_TABLE_COLUMNS: Record<StoredTable, ColumnSpec<any>[]> = {
  ...TABLE_COLUMNS,
  validation_results: VALIDATION_RESULT_COLUMNS,
  stats: STAT_COLUMNS,
  part_stats: PART_STAT_COLUMNS,
};

/** The order of a file's child rows in a record (`getRecord`): by part, then stored order (channels by name). */
export const CHILD_ORDER: Record<Exclude<CatalogTable, "files">, readonly string[]> = {
  parts: ["part_index"],
  channels: ["part_index", "channel_name"],
  attributes: ["part_index", "attribute_index"],
};
