import {
  Field,
  FixedSizeList,
  Float32,
  Int64,
  Map_,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { buildData } from "../../../src/vast/emulator/cells.js";
import {
  decodeIpcStream,
  decodeSchemaMessage,
  encodeIpcStream,
  encodeSchemaMessage,
  splitIpcMessages,
} from "../../../src/vast/protocol/arrow-ipc.js";
import { INVALID_ROW_ID } from "../../../src/vast/protocol/headers.js";
import {
  decodeQueryRelation,
  encodeQueryRelation,
  LiteralKind,
  numberSchemaNodes,
  type SourceRelation,
} from "../../../src/vast/protocol/query-relation.js";
import {
  decodeQueryResponse,
  encodeColumnStreamFrames,
  encodeCompletedFrame,
  encodeKeepAliveFrame,
} from "../../../src/vast/protocol/query-response.js";

const vector = new FixedSizeList(3, new Field("item", new Float32(), false));
const struct = new Struct([new Field("x", new Int64(), true), new Field("q", new Utf8(), true)]);
const entries = new Struct<{ key: Utf8; value: Int64 }>([
  new Field("key", new Utf8(), false),
  new Field("value", new Int64(), true),
]);
const map = new Map_(new Field("entries", entries, false));
const fields = [
  new Field("a", new Int64(), true),
  new Field("v", vector, true),
  new Field("s", struct, true),
  new Field("m", map, true),
];

describe("computeir query relation", () => {
  it("round-trips schema, projection and a filter with every literal family", () => {
    const rel: SourceRelation = {
      name: "",
      schema: fields,
      projection: [0, 2, 4, 5],
      filter: {
        kind: "call",
        name: "and",
        args: [
          {
            kind: "call",
            name: "or",
            args: [
              {
                kind: "call",
                name: "greater",
                args: [
                  { kind: "field", position: 0 },
                  {
                    kind: "literal",
                    literal: LiteralKind.Int64,
                    value: -5n,
                    type: new Field("", new Int64(), true),
                  },
                ],
              },
              { kind: "call", name: "is_null", args: [{ kind: "field", position: 0 }] },
            ],
          },
          {
            kind: "call",
            name: "equal",
            args: [
              { kind: "field", position: 5 },
              {
                kind: "literal",
                literal: LiteralKind.String,
                value: new Uint8Array([0x41, 0xff]),
                type: null,
              },
            ],
          },
          {
            kind: "call",
            name: "less",
            args: [
              { kind: "field", position: 2 },
              {
                kind: "literal",
                literal: LiteralKind.List,
                value: [
                  { kind: "literal", literal: LiteralKind.Float32, value: 1.5, type: null },
                  { kind: "literal", literal: LiteralKind.Float32, value: 0, type: null },
                ],
                type: null,
              },
            ],
          },
          {
            kind: "call",
            name: "equal",
            args: [
              { kind: "field", position: 0 },
              { kind: "literal", literal: LiteralKind.Boolean, value: false, type: null },
            ],
          },
        ],
      },
    };
    const back = decodeQueryRelation(encodeQueryRelation(rel));
    expect(back.projection).toEqual(rel.projection);
    expect(back.schema.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)).toEqual(
      fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`),
    );
    const filter = JSON.parse(
      JSON.stringify(back.filter, (_, v) =>
        typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? [...v] : v,
      ),
    );
    expect(filter.args[0].args[0].args[1].value).toBe("-5n");
    expect(filter.args[0].args[0].args[1].type.name).toBe("");
    expect(filter.args[1].args[1].value).toEqual([0x41, 0xff]);
    expect(filter.args[2].args[1].value.map((l: { value: number }) => l.value)).toEqual([1.5, 0]);
    expect(filter.args[3].args[1].value).toBe(false);
  });

  it("numbers schema nodes depth first, parents before children (maps via entries)", () => {
    const nodes = numberSchemaNodes(fields);
    expect(nodes.map((n) => n.field.name)).toEqual([
      "a",
      "v",
      "item",
      "s",
      "x",
      "q",
      "m",
      "entries",
      "key",
      "value",
    ]);
    expect(nodes.filter((n) => n.children.length === 0).map((n) => n.position)).toEqual([0, 2, 4, 5, 8, 9]);
  });
});

describe("Arrow IPC helpers", () => {
  it("writes one schema message like pa.Schema.serialize() and reads it back", () => {
    const schema = new Schema(fields);
    const msg = encodeSchemaMessage(schema);
    expect(splitIpcMessages(msg)).toHaveLength(1);
    expect(decodeSchemaMessage(msg).fields.map((f) => String(f.type))).toEqual(
      fields.map((f) => String(f.type)),
    );
  });

  it("round-trips a stream", () => {
    const f = new Field("a", new Int64(), true);
    const schema = new Schema([f]);
    const batch = new RecordBatch(
      schema,
      makeData({ type: new Struct([f]), length: 3, children: [buildData(f.type, [1n, null, 3n])] }),
    );
    const { batches } = decodeIpcStream(encodeIpcStream(schema, [batch, batch]));
    expect(batches.map((b) => b.numRows)).toEqual([3, 3]);
    expect(batches[1]!.getChildAt(0)!.toArray()[2]).toBe(3n);
  });
});

describe("framed query response", () => {
  it("decodes column streams per sub-split, skipping keep-alives, until the completion marker", () => {
    const f = new Field("a", new Int64(), true);
    const schema = new Schema([f]);
    const batch = (values: bigint[]) =>
      new RecordBatch(
        schema,
        makeData({ type: new Struct([f]), length: values.length, children: [buildData(f.type, values)] }),
      );
    const frames = [
      ...encodeColumnStreamFrames(0, 100n, schema, [batch([1n, 2n])]),
      encodeKeepAliveFrame(),
      ...encodeColumnStreamFrames(1, INVALID_ROW_ID, schema, [batch([7n]), batch([8n])]),
      encodeCompletedFrame(),
    ];
    const body = Buffer.concat(frames);
    const decoded = decodeQueryResponse(body);
    expect(decoded.completed).toBe(true);
    expect(
      decoded.chunks.map((c) => [c.streamId, c.nextRowId, c.batches.reduce((n, b) => n + b.numRows, 0)]),
    ).toEqual([
      [0, 100n, 2],
      [1, INVALID_ROW_ID, 2],
    ]);
  });

  it("rejects a body that ends inside a column stream", () => {
    const f = new Field("a", new Int64(), true);
    const frames = encodeColumnStreamFrames(0, 0n, new Schema([f]), []);
    expect(() => decodeQueryResponse(Buffer.concat(frames.slice(0, -1)))).toThrow(/open column streams/);
  });
});
