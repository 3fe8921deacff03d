/**
 * The catalog's pure rules asserted directly (the backend suites reach them only through DuckDB or the emulator):
 * current version, path normalization, identity, child row order, similarity, typed attribute values, verdict sets
 * and the encoded child rows.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { jsonValue, typedValue } from "../../src/catalog/attribute-values.js";
import { buildRecord } from "../../src/catalog/build-record.js";
import { currentFirst, currentFirstSql, newerVersionSql } from "../../src/catalog/current-version.js";
import {
  ATTRIBUTE_KEYS,
  CHANNEL_KEYS,
  COLUMN_SEPARATOR,
  encodeChildren,
  encodedBuffers,
  NULL_STRING,
  VALUE_SEPARATOR,
} from "../../src/catalog/encoded-children.js";
import { catalogHeaderHash, fileIdFor } from "../../src/catalog/identity.js";
import { normalizePath } from "../../src/catalog/normalize-path.js";
import { inRecordOrder } from "../../src/catalog/record-order.js";
import type { CatalogRecord, ValidationResultRow } from "../../src/catalog/rows.js";
import { nearestFiles } from "../../src/catalog/similarity.js";
import {
  latestVerdicts,
  setsToRestore,
  verdictSetKey,
  verdictSets,
} from "../../src/catalog/validation-results.js";
import type { AttributeRecord } from "../../src/core/model.js";
import { fixture } from "./fixtures.js";

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

interface Version {
  file_id: string;
  last_inspected: Date;
  inspection_timestamp: Date;
}
const version = (file_id: string, last: number, first: number): Version => ({
  file_id,
  last_inspected: new Date(last),
  inspection_timestamp: new Date(first),
});

/** Every pair of versions over small values, so each key decides on its own and after ties. */
function versions(): Version[] {
  const out: Version[] = [];
  for (const id of ["a", "b"])
    for (const last of [1, 2]) for (const first of [1, 2]) out.push(version(id, last, first));
  return out;
}

/** The SQL condition evaluated over two rows (only `=`, `<`, `>`, AND, OR and `alias.column` appear in it). */
function evalCondition(sql: string, rows: Record<string, Version>): boolean {
  const value = (term: string) => {
    const [alias, column] = term.split(".") as [string, keyof Version];
    const v = rows[alias]![column];
    return v instanceof Date ? v.getTime() : v;
  };
  return sql.split(" OR ").some((disjunct) =>
    disjunct
      .replace(/^\(|\)$/g, "")
      .split(" AND ")
      .every((cmp) => {
        const [l, op, r] = cmp.split(" ") as [string, string, string];
        const x = value(l);
        const y = value(r);
        if (op === "=") return x === y;
        if (op === "<") return x < y;
        if (op === ">") return x > y;
        throw new Error(`unexpected operator ${op} in ${sql}`);
      }),
  );
}

/** Sorts by the ORDER BY terms of currentFirstSql (`col` or `col DESC`, with or without an alias). */
function orderBySql(sql: string, alias: string): (a: Version, b: Version) => number {
  const terms = sql.split(", ").map((t) => {
    const [qualified, dir] = t.split(" ") as [string, string | undefined];
    expect(qualified.startsWith(alias)).toBe(true);
    return { column: qualified.slice(alias.length) as keyof Version, desc: dir === "DESC" };
  });
  return (a, b) => {
    for (const { column, desc } of terms) {
      const x = a[column];
      const y = b[column];
      const o = x < y ? -1 : x > y ? 1 : 0;
      if (o !== 0) return desc ? -o : o;
    }
    return 0;
  };
}

describe("current version", () => {
  it("last inspected first, then first inspected last, then the smallest id", () => {
    expect(currentFirst(version("a", 2, 1), version("a", 1, 2))).toBeLessThan(0);
    expect(currentFirst(version("a", 1, 2), version("a", 2, 1))).toBeGreaterThan(0);
    expect(currentFirst(version("a", 1, 2), version("a", 1, 1))).toBeLessThan(0);
    expect(currentFirst(version("a", 1, 1), version("a", 1, 2))).toBeGreaterThan(0);
    expect(currentFirst(version("a", 1, 1), version("b", 1, 1))).toBeLessThan(0);
    expect(currentFirst(version("b", 1, 1), version("a", 1, 1))).toBeGreaterThan(0);
    expect(currentFirst(version("a", 1, 1), version("a", 1, 1))).toBe(0);
    const sorted = versions().sort(currentFirst);
    expect(
      sorted.map((v) => `${v.file_id}${v.last_inspected.getTime()}${v.inspection_timestamp.getTime()}`),
    ).toEqual(["a22", "b22", "a21", "b21", "a12", "b12", "a11", "b11"]);
  });

  it("the SQL ordering and the SQL 'newer' condition agree with the comparator on every pair", () => {
    expect(currentFirstSql()).not.toContain(".");
    for (const alias of ["", "f"]) {
      const cmp = orderBySql(currentFirstSql(alias), alias ? `${alias}.` : "");
      for (const a of versions())
        for (const b of versions()) expect(Math.sign(cmp(a, b))).toBe(Math.sign(currentFirst(a, b)));
    }
    const sql = newerVersionSql("n", "o");
    for (const a of versions())
      for (const b of versions()) expect(evalCondition(sql, { n: a, o: b })).toBe(currentFirst(a, b) < 0);
  });
});

describe("normalizePath", () => {
  it("local paths: absolute against cwd, dots and double slashes resolved, NFC, case kept", () => {
    expect(normalizePath("shots//a/../b/./F.exr", "/work/x")).toBe("/work/x/shots/b/F.exr");
    expect(normalizePath("/abs/./y.exr", "/ignored")).toBe("/abs/y.exr");
    expect(normalizePath("caf\u0065\u0301.exr", "/d")).toBe("/d/caf\u00e9.exr");
    // a Windows drive letter is not a URI scheme
    expect(normalizePath("c:/x.exr", "/d")).toBe("/d/c:/x.exr");
    expect(normalizePath("C:\\x.exr", "/d")).toBe("/d/C:\\x.exr");
  });

  it("S3: scheme and bucket lower-cased, the key byte for byte; other URIs as given", () => {
    expect(normalizePath("S3://My-Bucket/a//b/./C.exr")).toBe("s3://my-bucket/a//b/./C.exr");
    expect(normalizePath("s3://bucket")).toBe("s3://bucket/");
    expect(normalizePath("s3://bucket/caf\u0065\u0301")).toBe("s3://bucket/caf\u00e9");
    expect(normalizePath("s3://b/line1\nline2")).toBe("s3://b/line1\nline2");
    expect(normalizePath("memory:Name.exr", "/d")).toBe("memory:Name.exr");
    expect(normalizePath("HTTPS://Host/A/../B.exr", "/d")).toBe("HTTPS://Host/A/../B.exr");
    expect(normalizePath("x+y.z-w:caf\u0065\u0301", "/d")).toBe("x+y.z-w:caf\u00e9");
    // not a scheme: starts with a digit; an s3:// further in is a local path
    expect(normalizePath("1a:b", "/d")).toBe("/d/1a:b");
    expect(normalizePath("dir/s3://B/k", "/d")).toBe("/d/dir/s3:/B/k");
    expect(normalizePath("s3:///k")).toBe("s3:///k");
  });
});

describe("identity", () => {
  it("the file id is sha256(path NUL header hash)", () => {
    expect(fileIdFor("/p.exr", "h")).toBe(sha256("/p.exr\0h"));
  });

  it("the stored header hash, else a surrogate over size, mtime and the sorted error codes only", () => {
    const hashed = fixture({ path: "/a.exr", headerHash: "f".repeat(64) });
    expect(catalogHeaderHash(hashed)).toBe("f".repeat(64));
    const broken = fixture({
      path: "/a.exr",
      headerHash: null,
      sizeBytes: 77,
      mtime: "2026-01-02T03:04:05.000Z",
    });
    broken.validation.findings = [
      {
        code: "EXR_Z",
        severity: "error",
        message: "",
        part_index: null,
        attribute: null,
        chunk_index: null,
        byte_offset: null,
      },
      {
        code: "EXR_W",
        severity: "warning",
        message: "",
        part_index: null,
        attribute: null,
        chunk_index: null,
        byte_offset: null,
      },
      {
        code: "EXR_A",
        severity: "error",
        message: "",
        part_index: null,
        attribute: null,
        chunk_index: null,
        byte_offset: null,
      },
    ];
    expect(catalogHeaderHash(broken)).toBe(
      sha256("exr-inspector:unhashed\u000077\u00002026-01-02T03:04:05.000Z\u0000EXR_A,EXR_Z"),
    );
    const noTime = fixture({ path: "/a.exr", headerHash: null, sizeBytes: 5, mtime: null });
    noTime.validation.findings = [];
    expect(catalogHeaderHash(noTime)).toBe(sha256("exr-inspector:unhashed\u00005\u0000\u0000"));
  });
});

describe("inRecordOrder", () => {
  it("sorts every child table by its keys, nulls last, without touching the input", () => {
    const rec = buildRecord(fixture({ path: "/o.exr", parts: 2 }), { now: new Date(0), cwd: "/" });
    // a fixed shuffle (not a reversal: a comparator that always answers "before" reverses a reversed list back)
    const shuffle = <T>(rows: T[]) =>
      rows
        .map((r, i) => ({ r, k: (i * 7 + 3) % 11 }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.r);
    const channels = shuffle([...rec.channels]);
    const attributes = shuffle([...rec.attributes]);
    const parts = [...rec.parts].reverse();
    const shuffled: CatalogRecord = { ...rec, channels, attributes, parts };
    const out = inRecordOrder(shuffled);
    expect(out.parts.map((p) => p.part_index)).toEqual([0, 1]);
    expect(out.channels).toEqual(rec.channels);
    expect(out.attributes.map((a) => [a.part_index, a.attribute_index])).toEqual(
      rec.attributes.map((a) => [a.part_index, a.attribute_index]),
    );
    expect(out.file).toBe(rec.file);
    expect(shuffled.channels).toBe(channels);
    expect(shuffled.channels).not.toEqual(rec.channels);
    // nulls after values, equal keys keep their order
    const withNull = {
      ...rec,
      parts: [
        { ...rec.parts[0]!, part_index: null as unknown as number, part_name: "n1" },
        { ...rec.parts[0]!, part_index: 3, part_name: "three" },
        { ...rec.parts[0]!, part_index: null as unknown as number, part_name: "n2" },
        { ...rec.parts[0]!, part_index: 1, part_name: "one" },
      ],
    };
    expect(inRecordOrder(withNull).parts.map((p) => p.part_name)).toEqual(["one", "three", "n1", "n2"]);
  });
});

describe("nearestFiles", () => {
  const row = (id: string, path: string, last: number, e: number[] | null) => ({
    file_id: id,
    file_path: `raw:${path}`,
    file_path_normalized: path,
    last_inspected: new Date(last),
    inspection_timestamp: new Date(0),
    metadata_embedding: e ? Float32Array.from(e) : null,
  });

  it("cosine distance over the current version of each path, the query excluded, nearest first, ties by id", () => {
    const rows = [
      row("q", "/q", 5, [1, 0]),
      row("old", "/p", 1, [1, 0]), // an older version of /p: never ranked
      row("new", "/p", 2, [0, 1]),
      row("c", "/c", 1, [1, 1]),
      row("b", "/b", 1, [2, 2]), // same direction as c: a tie, broken by id
      row("none", "/n", 1, null),
      row("zero", "/z", 1, [0, 0]),
      row("short", "/s", 1, [1]),
      row("opp", "/o", 1, [-1, 0]),
    ];
    const hits = nearestFiles(rows, { file_id: "q" }, 10);
    expect(hits.map((h) => h.file_id)).toEqual(["b", "c", "new", "opp"]);
    expect(hits[0]).toEqual({
      file_id: "b",
      file_path: "raw:/b",
      distance: expect.closeTo(1 - Math.SQRT1_2, 6),
    });
    expect(hits[2]!.distance).toBeCloseTo(1, 12);
    expect(hits[3]!.distance).toBeCloseTo(2, 12);
    expect(nearestFiles(rows, { file_id: "q" }, 2.9).map((h) => h.file_id)).toEqual(["b", "c"]);
    expect(nearestFiles(rows, { file_id: "q" }, -1)).toEqual([]);
    expect(nearestFiles(rows, { file_id: "missing" }, 5)).toEqual([]);
    expect(nearestFiles(rows, { file_id: "none" }, 5)).toEqual([]);
    // a zero query vector has no direction: nothing is near it
    expect(nearestFiles(rows, { embedding: [0, 0] }, 5)).toEqual([]);
    // by embedding: nothing excluded
    const byVector = nearestFiles(rows, { embedding: [1, 0] }, 3);
    expect(byVector.map((h) => [h.file_id, h.distance])).toEqual([
      ["q", 0],
      ["b", expect.closeTo(1 - Math.SQRT1_2, 6)],
      ["c", expect.closeTo(1 - Math.SQRT1_2, 6)],
    ]);
    // equal distances in the other order of the current-version sort: still by id
    const later = [row("z", "/z", 9, [1, 0]), row("a", "/a", 1, [2, 0]), row("m", "/m", 5, [4, 0])];
    expect(nearestFiles(later, { embedding: [1, 0] }, 3).map((h) => h.file_id)).toEqual(["a", "m", "z"]);
    // the query's own path: a newer version of it is a hit, it is not excluded by path
    const own = nearestFiles([row("q", "/q", 1, [1, 0]), row("q2", "/q", 2, [1, 1])], { file_id: "q" }, 5);
    expect(own.map((h) => h.file_id)).toEqual(["q2"]);
  });
});

const attribute = (type: string, value: AttributeRecord["value"]): AttributeRecord => ({
  name: "x",
  type,
  size: 4,
  offset: 0,
  value,
});

describe("typed attribute values", () => {
  it("numbers, non-finite floats by name, booleans, strings and non-UTF-8 strings' readable text", () => {
    expect(typedValue(attribute("int", 7))).toEqual({ value_number: 7, value_text: null });
    for (const type of ["float", "double", "half"]) {
      expect(typedValue(attribute(type, "NaN")).value_number).toBeNaN();
      expect(typedValue(attribute(type, "Infinity"))).toEqual({ value_number: Infinity, value_text: null });
      expect(typedValue(attribute(type, "-Infinity"))).toEqual({ value_number: -Infinity, value_text: null });
      expect(typedValue(attribute(type, "1.5"))).toEqual({ value_number: null, value_text: "1.5" });
    }
    expect(typedValue(attribute("string", "NaN"))).toEqual({ value_number: null, value_text: "NaN" });
    expect(typedValue(attribute("string", ""))).toEqual({ value_number: null, value_text: "" });
    expect(typedValue(attribute("bool", true))).toEqual({ value_number: 1, value_text: null });
    expect(typedValue(attribute("bool", false))).toEqual({ value_number: 0, value_text: null });
    for (const key of ["text", "value", "string", "lossy"])
      expect(typedValue(attribute("string", { [key]: "readable", bytes: "AAE=" }))).toEqual({
        value_number: null,
        value_text: "readable",
      });
    expect(typedValue(attribute("string", { text: "first", lossy: "second" })).value_text).toBe("first");
    expect(typedValue(attribute("string", { text: 5, lossy: "second" })).value_text).toBe("second");
    expect(typedValue(attribute("string", { bytes: "AAE=" }))).toEqual({
      value_number: null,
      value_text: null,
    });
    expect(typedValue(attribute("box2i", { text: "not a string attribute" }))).toEqual({
      value_number: null,
      value_text: null,
    });
    expect(typedValue(attribute("stringvector", ["a", "b"]))).toEqual({
      value_number: null,
      value_text: null,
    });
    expect(typedValue(attribute("string", null))).toEqual({ value_number: null, value_text: null });
  });

  it("the JSON text of a value, null for one JSON cannot hold", () => {
    expect(jsonValue(attribute("v2f", [1.5, "NaN"]))).toBe('[1.5,"NaN"]');
    expect(jsonValue(attribute("string", 'a"b'))).toBe('"a\\"b"');
    expect(jsonValue(attribute("opaque", undefined as unknown as null))).toBe("null");
  });
});

const verdict = (
  file_id: string,
  policy_id: string,
  rule_id: string,
  at: number,
  outcome = "pass",
): ValidationResultRow => ({
  file_id,
  policy_id,
  rule_id,
  severity: "error",
  outcome,
  message: null,
  expected: null,
  actual: null,
  suggested_fix: null,
  checked_at: new Date(at),
});

describe("validation results", () => {
  it("one set per (file, policy), the last row of a rule winning", () => {
    expect(verdictSetKey("f", "p")).toBe("f\0p");
    const sets = verdictSets([
      verdict("f", "p", "r1", 1, "fail"),
      verdict("f", "p", "r2", 1),
      verdict("f", "q", "r1", 1),
      verdict("f", "p", "r1", 2, "pass"),
    ]);
    expect([...sets.keys()]).toEqual(["f\0p", "f\0q"]);
    expect(sets.get("f\0p")).toEqual({
      file_id: "f",
      policy_id: "p",
      rows: [verdict("f", "p", "r1", 2, "pass"), verdict("f", "p", "r2", 1)],
    });
    expect(sets.get("f\0q")!.rows).toEqual([verdict("f", "q", "r1", 1)]);
  });

  it("restoring keeps the pairs the catalog already holds", () => {
    const backup = [verdict("f", "p", "r", 1), verdict("f", "q", "r", 1), verdict("g", "p", "r", 1)];
    expect(setsToRestore(backup, [{ file_id: "f", policy_id: "p" }])).toEqual(backup.slice(1));
    expect(setsToRestore(backup, [])).toEqual(backup);
  });

  it("readers keep the latest write of each pair, one row per rule", () => {
    const rows = [
      verdict("f", "p", "r1", 1),
      verdict("f", "p", "r1", 2, "fail"),
      verdict("f", "p", "r2", 2),
      verdict("f", "p", "r1", 2, "pass"), // a second writer at the same time: the first row read wins
      verdict("g", "p", "r1", -5),
    ];
    expect(latestVerdicts(rows)).toEqual([rows[1], rows[2], rows[4]]);
  });
});

/** The columnar encoding read back: one array of texts per column (null for a NULL string). */
function columnsOf(bytes: Uint8Array): (string | null)[][] {
  const text = new TextDecoder().decode(bytes);
  if (text === "") return [];
  return text
    .split(COLUMN_SEPARATOR)
    .map((column) => column.split(VALUE_SEPARATOR).map((v) => (v === NULL_STRING ? null : v)));
}

describe("encoded child rows", () => {
  it("columnar: every column in key order, numbers as text, -0 and non-finite kept, NULL strings marked", () => {
    const rec = buildRecord(fixture({ path: "/e.exr" }), { now: new Date(0), cwd: "/" });
    const channels = rec.channels.map((c) => ({ ...c }));
    const first = rec.attributes[0]!;
    rec.attributes = [
      { ...first, value_number: -0, value_text: null },
      { ...first, value_number: Number.NaN, value_text: null },
      { ...first, value_number: 0.1, value_text: null, part_index: null },
      { ...first, value_number: null, value_text: "t" },
      { ...first, value_number: null, value_text: "" },
    ];
    const attributes = rec.attributes.map((a) => ({ ...a }));
    encodeChildren(rec);
    expect(rec.channels).toEqual([]);
    expect(rec.attributes).toEqual([]);
    expect(rec.encoded!.format).toBe("columns");
    const channelColumns = columnsOf(rec.encoded!.channels);
    expect(channelColumns).toHaveLength(Object.keys(CHANNEL_KEYS).length);
    Object.keys(CHANNEL_KEYS).forEach((column, k) => {
      expect(channelColumns[k], column).toHaveLength(channels.length);
      channels.forEach((c, i) => {
        const want = c[column as keyof typeof c];
        const text =
          want === null
            ? ["channel_name", "channel_type", "layer_name", "component_name"].includes(column)
              ? null
              : ""
            : want instanceof Float32Array
              ? `[${Array.from(want).join(",")}]`
              : String(want);
        expect(channelColumns[k]![i], `${column} of row ${i}`).toBe(text);
      });
    });
    expect(JSON.parse(channelColumns[5]![0]!)).toHaveLength(128);
    expect(channelColumns[5]![1]).toBe("");
    const attributeColumns = columnsOf(rec.encoded!.attributes);
    expect(attributeColumns).toHaveLength(Object.keys(ATTRIBUTE_KEYS).length);
    const column = (name: keyof typeof ATTRIBUTE_KEYS) =>
      attributeColumns[Object.keys(ATTRIBUTE_KEYS).indexOf(name)];
    expect(column("value_number")).toEqual(["-0", "NaN", "0.1", "", ""]);
    expect(column("value_text")).toEqual([null, null, null, "t", ""]);
    expect(column("part_index")).toEqual(["0", "0", "", "0", "0"]);
    expect(column("attribute_index")).toEqual(attributes.map((a) => String(a.attribute_index)));
    expect(column("attribute_name")).toEqual(attributes.map((a) => a.attribute_name));
    expect(column("attribute_value")).toEqual(attributes.map((a) => a.attribute_value));
  });

  it("a file with no channel or attribute rows encodes them as empty texts", () => {
    const rec = buildRecord(fixture({ path: "/none.exr" }), { now: new Date(0), cwd: "/" });
    rec.channels = [];
    rec.attributes = [];
    encodeChildren(rec);
    expect(rec.encoded!.format).toBe("columns");
    expect(rec.encoded!.channels).toHaveLength(0);
    expect(rec.encoded!.attributes).toHaveLength(0);
  });

  it.each([
    ["a NUL", "a\u0000b"],
    ["the column separator", "a\u001eb"],
    ["exactly the NULL marker", "\u0001"],
  ])(
    "a file with a string holding %s is encoded as JSON, every column under its one-letter key",
    (_, awkward) => {
      const rec = buildRecord(fixture({ path: "/j.exr" }), { now: new Date(0), cwd: "/" });
      const channels = rec.channels.map((c) => ({ ...c }));
      const first = rec.attributes[0]!;
      rec.attributes = [
        { ...first, value_number: -0, value_text: null },
        { ...first, value_number: Number.NaN, value_text: null },
        { ...first, value_number: 0.1, value_text: null },
        { ...first, value_number: null, value_text: awkward },
        { ...first, value_number: null, value_text: "\u0001 not alone" },
      ];
      const attributes = rec.attributes.map((a) => ({ ...a }));
      encodeChildren(rec);
      expect(rec.encoded!.format).toBe("json");
      const decodedChannels = JSON.parse(new TextDecoder().decode(rec.encoded!.channels)) as Record<
        string,
        unknown
      >[];
      expect(decodedChannels).toHaveLength(channels.length);
      decodedChannels.forEach((row, i) => {
        const c = channels[i]!;
        for (const [column, key] of Object.entries(CHANNEL_KEYS)) {
          const want = c[column as keyof typeof c];
          expect(row[key], column).toEqual(want instanceof Float32Array ? Array.from(want) : want);
        }
        expect(Object.keys(row).sort()).toEqual(Object.values(CHANNEL_KEYS).sort());
      });
      expect(decodedChannels[0]!.f).toHaveLength(128);
      expect(decodedChannels[1]!.f).toBeNull();
      const decodedAttributes = JSON.parse(new TextDecoder().decode(rec.encoded!.attributes)) as Record<
        string,
        unknown
      >[];
      expect(decodedAttributes.map((r) => r[ATTRIBUTE_KEYS.value_number])).toEqual([
        "-0",
        "NaN",
        "0.1",
        null,
        null,
      ]);
      decodedAttributes.forEach((row, i) => {
        const a = attributes[i]!;
        for (const [column, key] of Object.entries(ATTRIBUTE_KEYS))
          if (column !== "value_number") expect(row[key], column).toEqual(a[column as keyof typeof a]);
        expect(Object.keys(row).sort()).toEqual(Object.values(ATTRIBUTE_KEYS).sort());
      });
    },
  );

  it("a string in a channel row decides the encoding as one in an attribute row does", () => {
    const rec = buildRecord(fixture({ path: "/c.exr" }), { now: new Date(0), cwd: "/" });
    rec.channels[0] = { ...rec.channels[0]!, layer_name: "x\u0000y" };
    encodeChildren(rec);
    expect(rec.encoded!.format).toBe("json");
    expect(JSON.parse(new TextDecoder().decode(rec.encoded!.channels))[0].l).toBe("x\u0000y");
  });

  it("lone surrogates become U+FFFD (as the appender stores them); pairs and plain text are kept", () => {
    const rec = buildRecord(fixture({ path: "/s.exr" }), { now: new Date(0), cwd: "/" });
    const first = rec.attributes[0]!;
    rec.attributes = [
      { ...first, value_text: "lone \ud800 high" },
      { ...first, value_text: "lone \udfff low" },
      { ...first, value_text: "pair \u{1F600}" },
      { ...first, value_text: "\\ud800 is text here" },
    ];
    const json = buildRecord(fixture({ path: "/sj.exr" }), { now: new Date(0), cwd: "/" });
    json.attributes = [...rec.attributes, { ...first, value_text: "forces JSON \u0000" }];
    encodeChildren(rec);
    encodeChildren(json);
    expect(rec.encoded!.format).toBe("columns");
    const texts = columnsOf(rec.encoded!.attributes)[Object.keys(ATTRIBUTE_KEYS).indexOf("value_text")];
    const want = ["lone \uFFFD high", "lone \uFFFD low", "pair \u{1F600}", "\\ud800 is text here"];
    expect(texts).toEqual(want);
    expect(json.encoded!.format).toBe("json");
    const jsonTexts = (JSON.parse(new TextDecoder().decode(json.encoded!.attributes)) as { s: string }[]).map(
      (r) => r.s,
    );
    expect(jsonTexts).toEqual([...want, "forces JSON \u0000"]);
    const plain = buildRecord(fixture({ path: "/p.exr" }), { now: new Date(0), cwd: "/" });
    plain.attributes = [{ ...first, value_text: "\\ud800 only as text \u0000" }];
    encodeChildren(plain);
    expect(JSON.parse(new TextDecoder().decode(plain.encoded!.attributes))[0].s).toBe(
      "\\ud800 only as text \u0000",
    );
  });

  it("each encoded text in an ArrayBuffer of its own, listed for transfer in record order; plain records add none", () => {
    const records = ["/b1.exr", "/b2.exr", "/b3.exr"].map((p) =>
      buildRecord(fixture({ path: p }), { now: new Date(0), cwd: "/" }),
    );
    encodeChildren(records[0]!);
    encodeChildren(records[2]!);
    const buffers = encodedBuffers(records);
    expect(buffers).toEqual([
      records[0]!.encoded!.channels.buffer,
      records[0]!.encoded!.attributes.buffer,
      records[2]!.encoded!.channels.buffer,
      records[2]!.encoded!.attributes.buffer,
    ]);
    expect(buffers[0]).toBe(records[0]!.encoded!.channels.buffer);
    expect(buffers[3]).toBe(records[2]!.encoded!.attributes.buffer);
    expect(new Set(buffers).size).toBe(4);
    for (const [i, b] of buffers.entries()) {
      const view = [records[0]!, records[0]!, records[2]!, records[2]!][i]!.encoded!;
      expect(b.byteLength, `buffer ${i}`).toBe((i % 2 ? view.attributes : view.channels).byteLength);
    }
    expect(encodedBuffers([records[1]!])).toEqual([]);
  });
});
