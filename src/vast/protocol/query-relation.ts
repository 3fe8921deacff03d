/**
 * The computeir query request of `GET …?data`: `Relation{Source{name, filter, schema, projection}}` with the
 * filter as an `Expression` tree of `Call`, `FieldRef(FieldIndex)` and `Literal` nodes (Arrow's experimental
 * computeir flatbuffers, as VAST uses them). Field positions are depth-first indices over the source schema.
 */
import type { Field } from "apache-arrow";
import { Builder } from "flatbuffers";
import { readArrowField, readArrowSchema, writeArrowField, writeArrowSchema } from "./arrow-field.js";
import { asInt64, FbTable, offsetVector } from "./fb-table.js";

const RELATION_IMPL_SOURCE = 9;
const EXPRESSION_LITERAL = 1;
const EXPRESSION_FIELD_REF = 2;
const EXPRESSION_CALL = 3;
const DEREF_FIELD_INDEX = 5;

/** `LiteralImpl` union tags. */
export const LiteralKind = {
  Boolean: 1,
  Int8: 2,
  Int16: 3,
  Int32: 4,
  Int64: 5,
  UInt8: 6,
  UInt16: 7,
  UInt32: 8,
  UInt64: 9,
  Date: 10,
  Time: 11,
  Timestamp: 12,
  Decimal: 15,
  Float16: 16,
  Float32: 17,
  Float64: 18,
  List: 19,
  String: 22,
  Binary: 23,
} as const;
export type LiteralKindTag = (typeof LiteralKind)[keyof typeof LiteralKind];

/**
 * Literal payloads: 64-bit integers, dates, times and timestamps are bigint (raw units); float16 is its raw
 * 16-bit pattern; strings stay raw bytes (startswith bounds may be invalid UTF-8); decimals are 16 LE bytes.
 */
export type LiteralValue = boolean | number | bigint | Uint8Array | LiteralExpr[];

export interface LiteralExpr {
  kind: "literal";
  literal: LiteralKindTag;
  value: LiteralValue;
  /** The Arrow type the literal was built for (unnamed field), when present. */
  type: Field | null;
}
export interface FieldRefExpr {
  kind: "field";
  position: number;
}
export interface CallExpr {
  kind: "call";
  name: string;
  args: Expr[];
}
export type Expr = LiteralExpr | FieldRefExpr | CallExpr;

export interface SourceRelation {
  name: string;
  schema: Field[];
  filter: Expr | null;
  /** Leaf positions to return, in order. */
  projection: number[];
}

const numericSlot: Record<
  number,
  "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64"
> = {
  [LiteralKind.Int8]: "i8",
  [LiteralKind.Int16]: "i16",
  [LiteralKind.Int32]: "i32",
  [LiteralKind.Int64]: "i64",
  [LiteralKind.UInt8]: "u8",
  [LiteralKind.UInt16]: "u16",
  [LiteralKind.UInt32]: "u32",
  [LiteralKind.UInt64]: "u64",
  [LiteralKind.Date]: "i64",
  [LiteralKind.Time]: "i64",
  [LiteralKind.Timestamp]: "i64",
  [LiteralKind.Float16]: "u16",
  [LiteralKind.Float32]: "f32",
  [LiteralKind.Float64]: "f64",
};

export class MalformedQuery extends Error {}

function readLiteral(t: FbTable): LiteralExpr {
  const tag = t.u8(0) as LiteralKindTag;
  const impl = t.union(1);
  const typeTable = t.table(2);
  const type = typeTable ? readArrowField(typeTable) : null;
  if (!impl) throw new MalformedQuery("literal without a value");
  let value: LiteralValue;
  const slot = numericSlot[tag];
  if (tag === LiteralKind.Boolean) value = impl.bool(0);
  else if (slot) value = impl[slot](0);
  else if (tag === LiteralKind.String || tag === LiteralKind.Binary || tag === LiteralKind.Decimal)
    value = impl.bytes(0) ?? new Uint8Array(0);
  else if (tag === LiteralKind.List) value = impl.tables(0).map(readLiteral);
  else throw new MalformedQuery(`unsupported literal kind ${tag}`);
  return { kind: "literal", literal: tag, value, type };
}

function readExpr(t: FbTable, depth: number): Expr {
  if (depth > 64) throw new MalformedQuery("expression nested too deeply");
  const tag = t.u8(0);
  const impl = t.union(1);
  if (!impl) throw new MalformedQuery("expression without impl");
  switch (tag) {
    case EXPRESSION_CALL:
      return {
        kind: "call",
        name: impl.str(0) ?? "",
        args: impl.tables(1).map((a) => readExpr(a, depth + 1)),
      };
    case EXPRESSION_FIELD_REF: {
      if (impl.u8(0) !== DEREF_FIELD_INDEX)
        throw new MalformedQuery("only FieldIndex references are supported");
      const index = impl.union(1);
      return { kind: "field", position: index ? index.u32(0) : 0 };
    }
    case EXPRESSION_LITERAL:
      return readLiteral(impl);
    default:
      throw new MalformedQuery(`unsupported expression kind ${tag}`);
  }
}

export function decodeQueryRelation(bytes: Uint8Array): SourceRelation {
  const rel = FbTable.root(bytes);
  if (rel.u8(0) !== RELATION_IMPL_SOURCE) throw new MalformedQuery("only a Source relation is supported");
  const src = rel.union(1);
  if (!src) throw new MalformedQuery("relation without a source");
  const schema = src.table(3);
  const filter = src.table(2);
  return {
    name: src.str(1) ?? "",
    schema: schema ? readArrowSchema(schema) : [],
    filter: filter ? readExpr(filter, 0) : null,
    projection: src.tables(4).map((fi) => fi.u32(0)),
  };
}

function writeLiteral(b: Builder, lit: LiteralExpr): number {
  const typeOffset = lit.type ? writeArrowField(b, lit.type, false) : 0;
  let impl: number;
  const v = lit.value;
  if (lit.literal === LiteralKind.List) {
    const items = offsetVector(
      b,
      (v as LiteralExpr[]).map((x) => writeLiteral(b, x)),
    );
    b.startObject(1);
    b.addFieldOffset(0, items, 0);
    impl = b.endObject();
  } else if (
    lit.literal === LiteralKind.String ||
    lit.literal === LiteralKind.Binary ||
    lit.literal === LiteralKind.Decimal
  ) {
    const bytes =
      lit.literal === LiteralKind.String
        ? b.createString(v as Uint8Array)
        : b.createByteVector(v as Uint8Array);
    b.startObject(1);
    b.addFieldOffset(0, bytes, 0);
    impl = b.endObject();
  } else {
    b.startObject(1);
    // forceDefaults so a zero literal is still present in the table
    b.forceDefaults(true);
    const slot = numericSlot[lit.literal];
    if (lit.literal === LiteralKind.Boolean) b.addFieldInt8(0, v ? 1 : 0, 0);
    else if (slot === "i8" || slot === "u8") b.addFieldInt8(0, Number(v), 0);
    else if (slot === "i16" || slot === "u16") b.addFieldInt16(0, Number(v), 0);
    else if (slot === "i32" || slot === "u32") b.addFieldInt32(0, Number(v), 0);
    else if (slot === "i64" || slot === "u64") b.addFieldInt64(0, asInt64(v as bigint | number), 0n);
    else if (slot === "f32") b.addFieldFloat32(0, Number(v), 0);
    else if (slot === "f64") b.addFieldFloat64(0, Number(v), 0);
    else throw new MalformedQuery(`cannot encode literal kind ${lit.literal}`);
    b.forceDefaults(false);
    impl = b.endObject();
  }
  b.startObject(3);
  b.addFieldInt8(0, lit.literal, 0);
  b.addFieldOffset(1, impl, 0);
  if (typeOffset) b.addFieldOffset(2, typeOffset, 0);
  return b.endObject();
}

function writeExpr(b: Builder, e: Expr): number {
  let tag: number;
  let impl: number;
  if (e.kind === "call") {
    const args = offsetVector(
      b,
      e.args.map((a) => writeExpr(b, a)),
    );
    const name = b.createString(e.name);
    b.startObject(3);
    b.addFieldOffset(0, name, 0);
    b.addFieldOffset(1, args, 0);
    impl = b.endObject();
    tag = EXPRESSION_CALL;
  } else if (e.kind === "field") {
    b.startObject(1);
    b.forceDefaults(true);
    b.addFieldInt32(0, e.position, 0);
    b.forceDefaults(false);
    const index = b.endObject();
    b.startObject(3);
    b.addFieldInt8(0, DEREF_FIELD_INDEX, 0);
    b.addFieldOffset(1, index, 0);
    impl = b.endObject();
    tag = EXPRESSION_FIELD_REF;
  } else {
    impl = writeLiteral(b, e);
    tag = EXPRESSION_LITERAL;
  }
  b.startObject(2);
  b.addFieldInt8(0, tag, 0);
  b.addFieldOffset(1, impl, 0);
  return b.endObject();
}

export function encodeQueryRelation(r: SourceRelation): Uint8Array {
  const b = new Builder(1024);
  const name = b.createString(r.name);
  const schema = writeArrowSchema(b, r.schema);
  const filter = r.filter ? writeExpr(b, r.filter) : 0;
  const projection = offsetVector(
    b,
    r.projection.map((p) => {
      b.startObject(1);
      b.forceDefaults(true);
      b.addFieldInt32(0, p, 0);
      b.forceDefaults(false);
      return b.endObject();
    }),
  );
  b.startObject(5);
  b.addFieldOffset(1, name, 0);
  if (filter) b.addFieldOffset(2, filter, 0);
  b.addFieldOffset(3, schema, 0);
  b.addFieldOffset(4, projection, 0);
  const source = b.endObject();
  b.startObject(2);
  b.addFieldInt8(0, RELATION_IMPL_SOURCE, 0);
  b.addFieldOffset(1, source, 0);
  b.finish(b.endObject());
  return b.asUint8Array();
}

/** Depth-first numbering of schema nodes (parents before children), as the SDK's FieldNode does. */
export interface SchemaNode {
  position: number;
  field: Field;
  parent: SchemaNode | null;
  children: SchemaNode[];
  /** Index of the top-level column this node belongs to. */
  column: number;
}

export function numberSchemaNodes(fields: readonly Field[]): SchemaNode[] {
  const all: SchemaNode[] = [];
  let next = 0;
  const visit = (field: Field, parent: SchemaNode | null, column: number): SchemaNode => {
    const node: SchemaNode = { position: next++, field, parent, children: [], column };
    all.push(node);
    for (const child of (field.type.children ?? []) as Field[])
      node.children.push(visit(child, node, column));
    return node;
  };
  fields.forEach((f, i) => {
    visit(f, null, i);
  });
  return all;
}
