import type { InspectionResult, PartRecord } from "../core/model.js";
import { jsonValue, typedValue } from "./attribute-values.js";
import { detectColorSpace } from "./color-space.js";
import { channelFingerprint } from "./embeddings/channel-fingerprint.js";
import { METADATA_EMBEDDING_DIM, metadataEmbedding } from "./embeddings/metadata-embedding.js";
import { catalogHeaderHash, fileIdFor } from "./identity.js";
import { normalizePath } from "./normalize-path.js";
import { detectRenderSoftware } from "./render-software.js";
import type { AttributeRow, CatalogRecord, ChannelRow, PartRow } from "./rows.js";

export { METADATA_EMBEDDING_DIM };

export interface BuildOptions {
  /** Inspection time (defaults to now). */
  now?: Date;
  /** Base for resolving relative paths (defaults to process.cwd()). */
  cwd?: string;
}

function parseTime(iso: string | null): Date | null {
  // Stryker disable next-line StringLiteral: any text that is no time parses to NaN
  const t = Date.parse(iso ?? "");
  return Number.isNaN(t) ? null : new Date(t);
}

function windowJson(w: PartRecord["data_window"]): string | null {
  return w ? JSON.stringify(w) : null;
}

function isMultiView(part: PartRecord): boolean {
  return part.view_name !== null || part.attributes.some((a) => a.name === "multiView");
}

/** The first non-null value of `pick` over the parts (file-level fallback for per-part detections). */
function firstOf<T>(values: (T | null)[]): T | null {
  for (const v of values) if (v !== null) return v;
  return null;
}

/**
 * InspectionResult → the rows of the four catalog tables, backend-independent and deterministic (same input,
 * same rows; embeddings included). Damaged or unreadable files produce an "error row": a files row with
 * validation status, error codes and a stable surrogate header hash, plus whatever parts could be read.
 */
export function buildRecord(result: InspectionResult, options: BuildOptions = {}): CatalogRecord {
  const now = options.now ?? new Date();
  const normalized = normalizePath(result.file.path, options.cwd);
  const headerHash = catalogHeaderHash(result);
  const fileId = fileIdFor(normalized, headerHash);
  const filePath = result.file.path;

  const colorSpaces = result.parts.map((p) => detectColorSpace(p.attributes));
  const renderers = result.parts.map((p) => detectRenderSoftware(p.attributes));
  const fileColorSpace = firstOf(colorSpaces);
  const fileRenderer = firstOf(renderers);

  const parts: PartRow[] = result.parts.map((p, i) => ({
    file_id: fileId,
    file_path: filePath,
    part_index: p.part_index,
    part_name: p.part_name,
    view_name: p.view_name,
    multi_view: isMultiView(p),
    data_window: windowJson(p.data_window),
    display_window: windowJson(p.display_window),
    pixel_aspect_ratio: p.pixel_aspect_ratio,
    line_order: p.line_order,
    compression: p.compression,
    is_tiled: p.is_tiled,
    tile_width: p.tiling?.x_size ?? null,
    tile_height: p.tiling?.y_size ?? null,
    tile_depth: p.tiling ? 1 : null,
    is_deep: p.is_deep,
    part_type: p.type,
    width: p.width,
    height: p.height,
    display_width: p.display_width,
    display_height: p.display_height,
    data_offset_min: p.data_offset_min,
    data_offset_max: p.data_offset_max,
    chunk_count: p.chunk_count,
    level_mode: p.tiling?.level_mode ?? null,
    color_space: colorSpaces[i] ?? fileColorSpace,
    render_software: renderers[i] ?? fileRenderer,
  }));

  const seenChannels = new Set<string>();
  const channels: ChannelRow[] = [];
  // Stored order of an EXR channel list is by name; sorting makes rows independent of the reader's order.
  const sortedChannels = [...result.channels].sort((a, b) =>
    a.part_index !== b.part_index
      ? a.part_index - b.part_index
      : a.name < b.name
        ? -1
        : // Stryker disable next-line ConditionalExpression,EqualityOperator: V8's (stable) sort orders a 0 and a 1 answer alike
          a.name > b.name
          ? 1
          : 0,
  );
  for (const c of sortedChannels) {
    // Duplicate channel names (only in damaged headers) keep their first occurrence: (file, part, name) is the key.
    const key = `${c.part_index}\0${c.name}`;
    if (seenChannels.has(key)) continue;
    seenChannels.add(key);
    channels.push({
      file_id: fileId,
      file_path: filePath,
      part_index: c.part_index,
      channel_name: c.name,
      channel_type: c.type,
      x_sampling: c.x_sampling,
      y_sampling: c.y_sampling,
      // As in the seed: the file's channel fingerprint is stored on its first channel row only.
      channel_fingerprint: channels.length === 0 ? channelFingerprint(result) : null,
      layer_name: c.layer_name,
      component_name: c.component_name,
      p_linear: c.p_linear,
    });
  }

  const attributes: AttributeRow[] = [];
  for (const p of result.parts) {
    p.attributes.forEach((a, index) => {
      attributes.push({
        file_id: fileId,
        file_path: filePath,
        part_index: p.part_index,
        attribute_name: a.name,
        attribute_type: a.type,
        attribute_value: jsonValue(a),
        attribute_index: index,
        ...typedValue(a),
      });
    });
  }

  const errors = result.validation.findings.filter((f) => f.severity === "error");
  const hasHeader = result.parts.length > 0 || result.channels.length > 0;
  return {
    file: {
      file_id: fileId,
      file_path: filePath,
      file_path_normalized: normalized,
      header_hash: headerHash,
      size_bytes: result.file.size_bytes,
      mtime: parseTime(result.file.mtime),
      multipart_count: result.file.multipart_count,
      is_deep: result.file.is_deep,
      metadata_embedding: hasHeader
        ? metadataEmbedding(result, { renderSoftware: fileRenderer, colorSpace: fileColorSpace })
        : null,
      inspection_timestamp: now,
      inspection_count: 1,
      last_inspected: now,
      frame_number: result.file.frame_number,
      is_complete: result.file.is_complete,
      validation_status: result.validation.status,
      header_bytes: result.file.header_bytes,
      error_codes: errors.length > 0 ? [...new Set(errors.map((f) => f.code))] : null,
      error_message: errors[0]?.message ?? null,
      etag: result.file.etag ?? null,
    },
    parts,
    channels,
    attributes,
  };
}
