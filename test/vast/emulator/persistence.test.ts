import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Int64,
  Map_,
  Struct,
  TimestampNanosecond,
  Utf8,
} from "apache-arrow";
import { afterEach, describe, expect, it } from "vitest";
import { type CatalogState, emptyCatalog, type TableState } from "../../../src/vast/emulator/catalog.js";
import type { Cell } from "../../../src/vast/emulator/cells.js";
import { Persistence } from "../../../src/vast/emulator/persistence.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const fields = [
  new Field("ts", new TimestampNanosecond("UTC"), true),
  new Field("v", new FixedSizeList(2, new Field("item", new Float32(), false)), true),
  new Field("h", new Float16(), true),
  new Field("st", new Struct([new Field("x", new Int64(), true), new Field("s", new Utf8(), true)]), true),
  new Field(
    "m",
    new Map_(
      new Field(
        "entries",
        new Struct<{ key: Utf8; value: Int64 }>([
          new Field("key", new Utf8(), false),
          new Field("value", new Int64(), true),
        ]),
        false,
      ),
    ),
    true,
  ),
];
const columns: Cell[][] = [
  [1_700_000_000_123_456_789n, null, -1n],
  [Float32Array.of(1, 2), null, Float32Array.of(0.5, -0.25)],
  [0x3c00, null, 0x7bff],
  [[5n, "a"], null, [null, "ü"]],
  [[["k", 1n]], null, []],
];

function state(tables: TableState[]): CatalogState {
  const s = emptyCatalog(["b"]);
  s.buckets
    .get("b")!
    .schemas.set("a/b", { name: "a/b", properties: "p", tables: new Map(tables.map((t) => [t.name, t])) });
  return s;
}

describe("persistence", () => {
  it("writes and reloads schemas, tables, exact cell values, counters and the external-row-id flag", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vast-persist-"));
    dirs.push(dir);
    const full: TableState = { id: 3, name: "t", fields, rowIds: [0, 5, 9], columns, externalRowIds: true };
    const empty: TableState = { id: 4, name: "e", fields, rowIds: [], columns: fields.map(() => []) };
    await new Persistence(dir).save(state([full, empty]), { nextTableId: 5, rowIds: new Map([[3, 10]]) });

    const loaded = await new Persistence(dir).load(["b", "extra"]);
    expect(loaded!.counters).toEqual({ nextTableId: 5, rowIds: new Map([[3, 10]]) });
    expect([...loaded!.state.buckets.keys()].sort()).toEqual(["b", "extra"]);
    const schema = loaded!.state.buckets.get("b")!.schemas.get("a/b")!;
    expect(schema.properties).toBe("p");
    const t = schema.tables.get("t")!;
    expect(t.rowIds).toEqual([0, 5, 9]);
    expect(t.columns).toEqual(columns);
    expect(t.externalRowIds).toBe(true);
    expect(t.fields.map((f) => String(f.type))).toEqual(fields.map((f) => String(f.type)));
    expect(schema.tables.get("e")!.rowIds).toEqual([]);
  });

  it("replaces files atomically and removes the ones no longer referenced", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vast-persist-"));
    dirs.push(dir);
    const p = new Persistence(dir);
    await p.load(["b"]);
    const t1: TableState = { id: 1, name: "t", fields: [fields[0]!], rowIds: [0], columns: [[1n]] };
    await p.save(state([t1]), { nextTableId: 2, rowIds: new Map() });
    await writeFile(join(dir, "tables", "stale.arrow.tmp"), "partial write");
    const t2: TableState = { ...t1, rowIds: [0, 1], columns: [[1n, 2n]] };
    await p.save(state([t2]), { nextTableId: 2, rowIds: new Map() });
    const files = await readdir(join(dir, "tables"));
    expect(files).toHaveLength(1);
    const loaded = await new Persistence(dir).load(["b"]);
    expect(loaded!.state.buckets.get("b")!.schemas.get("a/b")!.tables.get("t")!.columns).toEqual([[1n, 2n]]);
  });
});
