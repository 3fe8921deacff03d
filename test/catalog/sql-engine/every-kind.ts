import type { ColumnSpec } from "../../../src/catalog/tables.js";

/** A row with one column of every kind a catalog table uses. */
export interface EveryKindRow {
  s: string | null;
  b: number | null;
  i: number | null;
  d: number | null;
  f: number | null;
  t: boolean | null;
  ts: Date | null;
  l: string[] | null;
  v384: Float32Array | null;
  v128: Float32Array | null;
}

export const EVERY_KIND_COLUMNS: ColumnSpec<EveryKindRow>[] = [
  { name: "s", kind: "varchar" },
  { name: "b", kind: "bigint" },
  { name: "i", kind: "integer" },
  { name: "d", kind: "double" },
  { name: "f", kind: "float" },
  { name: "t", kind: "boolean" },
  { name: "ts", kind: "timestamp" },
  { name: "l", kind: "varchar[]" },
  { name: "v384", kind: "float[384]" },
  { name: "v128", kind: "float[128]" },
];
