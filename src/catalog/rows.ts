/**
 * Row shapes of the four catalog tables (schema `exr_metadata`, from the seed document) plus the columns the
 * inspector adds. Backend-independent: DuckDB and VAST store exactly these columns.
 * Built from an InspectionResult by catalog/build-record.ts.
 */
export interface FileRow {
  file_id: string;
  file_path: string;
  file_path_normalized: string;
  header_hash: string;
  size_bytes: number | null;
  mtime: Date | null;
  multipart_count: number | null;
  is_deep: boolean | null;
  metadata_embedding: Float32Array | null;
  inspection_timestamp: Date;
  inspection_count: number;
  last_inspected: Date;
  // Added by exr-inspector:
  frame_number: number | null;
  is_complete: boolean | null;
  validation_status: string;
  header_bytes: number | null;
  error_codes: string[] | null;
  error_message: string | null;
  /** Objects (`s3://`, `https://`): the ETag of the version inspected; null for local files. */
  etag: string | null;
}

export interface PartRow {
  file_id: string;
  file_path: string;
  part_index: number;
  part_name: string | null;
  view_name: string | null;
  multi_view: boolean | null;
  data_window: string | null;
  display_window: string | null;
  pixel_aspect_ratio: number | null;
  line_order: string | null;
  compression: string | null;
  is_tiled: boolean | null;
  tile_width: number | null;
  tile_height: number | null;
  tile_depth: number | null;
  is_deep: boolean | null;
  // Added:
  part_type: string | null;
  width: number | null;
  height: number | null;
  display_width: number | null;
  display_height: number | null;
  data_offset_min: number | null;
  data_offset_max: number | null;
  chunk_count: number | null;
  level_mode: string | null;
  color_space: string | null;
  render_software: string | null;
}

export interface ChannelRow {
  file_id: string;
  file_path: string;
  part_index: number;
  channel_name: string;
  channel_type: string | null;
  x_sampling: number | null;
  y_sampling: number | null;
  channel_fingerprint: Float32Array | null;
  // Added:
  layer_name: string | null;
  component_name: string | null;
  p_linear: boolean | null;
}

export interface AttributeRow {
  file_id: string;
  file_path: string;
  part_index: number | null;
  attribute_name: string;
  attribute_type: string | null;
  attribute_value: string | null;
  // Added:
  attribute_index: number;
  value_number: number | null;
  value_text: string | null;
}

/**
 * One policy verdict (`validation_results`): how one file fared against one rule of one policy. The columns
 * plus `outcome` (pass | fail | needs_stats | not_evaluated), so a report can tell a file that passed a rule from one
 * never checked against it.
 */
export interface ValidationResultRow {
  file_id: string;
  policy_id: string;
  rule_id: string;
  /** The rule's severity (error | warning | info), whatever the outcome. */
  severity: string;
  outcome: string;
  message: string | null;
  expected: string | null;
  actual: string | null;
  suggested_fix: string | null;
  checked_at: Date;
}

/**
 * One channel's pixel statistics at one level of one part (`stats`, written by `scan --stats`): the numbers of
 * `exr-inspector stats` (docs/notes/pixels.md). min/max/mean/stddev are over the finite values (null when none).
 */
export interface StatRow {
  file_id: string;
  part_index: number;
  level_x: number;
  level_y: number;
  channel_name: string;
  /** half | float | uint */
  type: string;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
  nan_count: number;
  inf_count: number;
  finite_count: number;
  constant: boolean;
  computed_at: Date;
}

/**
 * One decoded part's pixel summary (`part_stats`, written by `scan --stats`): its pixel hash, `monochrome`, and for
 * deep parts the sample counts and depth range (null for flat parts). `samples_histogram` is the JSON object of
 * `stats` (samples per pixel -> pixels).
 */
export interface PartStatRow {
  file_id: string;
  part_index: number;
  pixel_hash: string | null;
  monochrome: boolean | null;
  total_samples: number | null;
  pixels_with_samples: number | null;
  pixels_without_samples: number | null;
  samples_histogram: string | null;
  min_depth: number | null;
  max_depth: number | null;
  computed_at: Date;
}

/** A file's pixel statistics as stored: every `stats` and `part_stats` row of one file. */
export interface PixelStatsSet {
  file_id: string;
  stats: StatRow[];
  parts: PartStatRow[];
}

export interface CatalogRecord {
  file: FileRow;
  parts: PartRow[];
  channels: ChannelRow[];
  attributes: AttributeRow[];
  /**
   * Set only by the scan, for a store that declares `acceptsEncodedChildren` (DuckDB): the channel and attribute
   * rows as encoded UTF-8 texts (catalog/encoded-children.ts), `channels` and `attributes` then being empty.
   */
  encoded?: EncodedChildren;
  /** Set only by `scan --policy`: the file's verdicts, stored after the file with `putValidationResults`. */
  validation_results?: ValidationResultRow[];
  /** Set only by `scan --stats`: the file's pixel statistics, stored after the file with `putPixelStats`. */
  pixel_stats?: PixelStatsSet;
}

/**
 * UTF-8 bytes of the child rows (catalog/encoded-children.ts): they cross from a scan worker without a copy and
 * stay off the JS heap. "columns": one text per table, its columns and values separated by control characters;
 * "json": one JSON array of row objects per table (for the rare file whose strings hold those characters).
 */
export interface EncodedChildren {
  format: "columns" | "json";
  channels: Uint8Array;
  attributes: Uint8Array;
}
