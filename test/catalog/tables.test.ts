/**
 * catalog/tables.ts: the catalog's layout, column by column (name, kind, NOT NULL) and table by table. Every backend
 * derives its stored form from these lists (DuckDB DDL and appenders, VAST Arrow schemas, export files), so a change
 * here changes what existing catalogs and exports hold: it must come with a migration, and this test says so.
 * The seed's columns come first in each of its four tables, with the seed's names and in the seed's order.
 */
import { describe, expect, it } from "vitest";
import {
  CATALOG_SCHEMA,
  CATALOG_SCHEMA_VERSION,
  CATALOG_TABLES,
  CHILD_ORDER,
  CHILD_TABLES,
  PIXEL_STATS_TABLES,
  STORED_TABLE_COLUMNS,
  STORED_TABLES,
  TABLE_COLUMNS,
} from "../../src/catalog/tables.js";

/** The seed document's columns (shared/seed/000_61014913341d0393.txt), in its order. */
const SEED_COLUMNS = {
  files: [
    "file_id",
    "file_path",
    "file_path_normalized",
    "header_hash",
    "size_bytes",
    "mtime",
    "multipart_count",
    "is_deep",
    "metadata_embedding",
    "inspection_timestamp",
    "inspection_count",
    "last_inspected",
  ],
  parts: [
    "file_id",
    "file_path",
    "part_index",
    "part_name",
    "view_name",
    "multi_view",
    "data_window",
    "display_window",
    "pixel_aspect_ratio",
    "line_order",
    "compression",
    "is_tiled",
    "tile_width",
    "tile_height",
    "tile_depth",
    "is_deep",
  ],
  channels: [
    "file_id",
    "file_path",
    "part_index",
    "channel_name",
    "channel_type",
    "x_sampling",
    "y_sampling",
    "channel_fingerprint",
  ],
  attributes: ["file_id", "file_path", "part_index", "attribute_name", "attribute_type", "attribute_value"],
};

describe("catalog tables", () => {
  it("every stored table's columns: name, kind, NOT NULL", () => {
    const layout = Object.fromEntries(
      Object.entries(STORED_TABLE_COLUMNS).map(([table, columns]) => [
        table,
        columns.map((c) => `${c.name} ${c.kind}${c.notNull ? " NOT NULL" : ""}`),
      ]),
    );
    expect(layout).toEqual({
      files: [
        "file_id varchar NOT NULL",
        "file_path varchar NOT NULL",
        "file_path_normalized varchar NOT NULL",
        "header_hash varchar NOT NULL",
        "size_bytes bigint",
        "mtime timestamp",
        "multipart_count integer",
        "is_deep boolean",
        "metadata_embedding float[384]",
        "inspection_timestamp timestamp NOT NULL",
        "inspection_count integer NOT NULL",
        "last_inspected timestamp NOT NULL",
        "frame_number integer",
        "is_complete boolean",
        "validation_status varchar NOT NULL",
        "header_bytes bigint",
        "error_codes varchar[]",
        "error_message varchar",
        "etag varchar",
      ],
      parts: [
        "file_id varchar NOT NULL",
        "file_path varchar NOT NULL",
        "part_index integer NOT NULL",
        "part_name varchar",
        "view_name varchar",
        "multi_view boolean",
        "data_window varchar",
        "display_window varchar",
        "pixel_aspect_ratio float",
        "line_order varchar",
        "compression varchar",
        "is_tiled boolean",
        "tile_width integer",
        "tile_height integer",
        "tile_depth integer",
        "is_deep boolean",
        "part_type varchar",
        "width bigint",
        "height bigint",
        "display_width bigint",
        "display_height bigint",
        "data_offset_min bigint",
        "data_offset_max bigint",
        "chunk_count bigint",
        "level_mode varchar",
        "color_space varchar",
        "render_software varchar",
      ],
      channels: [
        "file_id varchar NOT NULL",
        "file_path varchar NOT NULL",
        "part_index integer NOT NULL",
        "channel_name varchar NOT NULL",
        "channel_type varchar",
        "x_sampling integer",
        "y_sampling integer",
        "channel_fingerprint float[128]",
        "layer_name varchar",
        "component_name varchar",
        "p_linear boolean",
      ],
      attributes: [
        "file_id varchar NOT NULL",
        "file_path varchar NOT NULL",
        "part_index integer",
        "attribute_name varchar NOT NULL",
        "attribute_type varchar",
        "attribute_value varchar",
        "attribute_index integer NOT NULL",
        "value_number double",
        "value_text varchar",
      ],
      validation_results: [
        "file_id varchar NOT NULL",
        "policy_id varchar NOT NULL",
        "rule_id varchar NOT NULL",
        "severity varchar NOT NULL",
        "outcome varchar NOT NULL",
        "message varchar",
        "expected varchar",
        "actual varchar",
        "suggested_fix varchar",
        "checked_at timestamp NOT NULL",
      ],
      stats: [
        "file_id varchar NOT NULL",
        "part_index integer NOT NULL",
        "level_x integer NOT NULL",
        "level_y integer NOT NULL",
        "channel_name varchar NOT NULL",
        "type varchar NOT NULL",
        "min double",
        "max double",
        "mean double",
        "stddev double",
        "nan_count bigint NOT NULL",
        "inf_count bigint NOT NULL",
        "finite_count bigint NOT NULL",
        "constant boolean NOT NULL",
        "computed_at timestamp NOT NULL",
      ],
      part_stats: [
        "file_id varchar NOT NULL",
        "part_index integer NOT NULL",
        "pixel_hash varchar",
        "monochrome boolean",
        "total_samples bigint",
        "pixels_with_samples bigint",
        "pixels_without_samples bigint",
        "samples_histogram varchar",
        "min_depth double",
        "max_depth double",
        "computed_at timestamp NOT NULL",
      ],
    });
    // `notNull` is either true or absent (never a written-out false that a reader might take for "nullable on purpose").
    for (const columns of Object.values(STORED_TABLE_COLUMNS)) {
      for (const c of columns) expect([true, undefined]).toContain(c.notNull);
    }
  });

  it("the seed's columns first, with the seed's names, in the seed's order", () => {
    for (const [table, seed] of Object.entries(SEED_COLUMNS)) {
      const names = TABLE_COLUMNS[table as keyof typeof TABLE_COLUMNS].map((c) => c.name);
      expect(names.slice(0, seed.length), table).toEqual(seed);
    }
  });

  it("table lists, schema, version and child order", () => {
    expect(CATALOG_SCHEMA).toBe("exr_metadata");
    expect(CATALOG_SCHEMA_VERSION).toBe(2);
    expect(CATALOG_TABLES).toEqual(["files", "parts", "channels", "attributes"]);
    expect(CHILD_TABLES).toEqual(["parts", "channels", "attributes"]);
    expect(PIXEL_STATS_TABLES).toEqual(["stats", "part_stats"]);
    expect(STORED_TABLES).toEqual([
      "files",
      "parts",
      "channels",
      "attributes",
      "validation_results",
      "stats",
      "part_stats",
    ]);
    expect(Object.keys(TABLE_COLUMNS)).toEqual(["files", "parts", "channels", "attributes"]);
    expect(Object.keys(STORED_TABLE_COLUMNS)).toEqual([...STORED_TABLES]);
    expect(CHILD_ORDER).toEqual({
      parts: ["part_index"],
      channels: ["part_index", "channel_name"],
      attributes: ["part_index", "attribute_index"],
    });
  });
});
