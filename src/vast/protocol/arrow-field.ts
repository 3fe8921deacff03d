/**
 * Arrow's `Schema.fbs` Field/Schema tables as embedded in query requests (not IPC messages):
 * encode an apache-arrow Field list into `org.apache.arrow.flatbuf.Schema`, and decode it back.
 * Maps are written the way the SDK writes them: a Map field with one `entries` struct child of `key`, `value`.
 */
import {
  Binary,
  Bool,
  type DataType,
  Date_,
  DateUnit,
  Decimal,
  Duration,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float,
  Int,
  Interval,
  LargeBinary,
  LargeUtf8,
  List,
  Map_,
  Null,
  Precision,
  Struct,
  Time,
  Timestamp,
  TimeUnit,
  Type,
  Utf8,
} from "apache-arrow";
import type { Builder } from "flatbuffers";
import { type FbTable, offsetVector } from "./fb-table.js";

/** `org.apache.arrow.flatbuf.Type` union tags. */
export const FbType = {
  Null: 1,
  Int: 2,
  FloatingPoint: 3,
  Binary: 4,
  Utf8: 5,
  Bool: 6,
  Decimal: 7,
  Date: 8,
  Time: 9,
  Timestamp: 10,
  Interval: 11,
  List: 12,
  Struct: 13,
  Union: 14,
  FixedSizeBinary: 15,
  FixedSizeList: 16,
  Map: 17,
  Duration: 18,
  LargeBinary: 19,
  LargeUtf8: 20,
  LargeList: 21,
} as const;

export class UnsupportedFieldType extends Error {}

function writeType(b: Builder, type: DataType): { tag: number; offset: number } {
  const table = (tag: number, fill: () => void) => {
    b.startObject(4);
    fill();
    return { tag, offset: b.endObject() };
  };
  switch (type.typeId) {
    case Type.Null:
      return table(FbType.Null, () => {});
    case Type.Int: {
      const t = type as Int;
      return table(FbType.Int, () => {
        b.addFieldInt32(0, t.bitWidth, 0);
        b.addFieldInt8(1, t.isSigned ? 1 : 0, 0);
      });
    }
    case Type.Float: {
      const t = type as Float;
      return table(FbType.FloatingPoint, () => b.addFieldInt16(0, t.precision, 0));
    }
    case Type.Binary:
      return table(FbType.Binary, () => {});
    case Type.Utf8:
      return table(FbType.Utf8, () => {});
    case Type.LargeBinary:
      return table(FbType.LargeBinary, () => {});
    case Type.LargeUtf8:
      return table(FbType.LargeUtf8, () => {});
    case Type.Bool:
      return table(FbType.Bool, () => {});
    case Type.Decimal: {
      const t = type as Decimal;
      return table(FbType.Decimal, () => {
        b.addFieldInt32(0, t.precision, 0);
        b.addFieldInt32(1, t.scale, 0);
        b.addFieldInt32(2, t.bitWidth, 128);
      });
    }
    case Type.Date: {
      const t = type as Date_;
      return table(FbType.Date, () => b.addFieldInt16(0, t.unit, 1));
    }
    case Type.Time: {
      const t = type as Time;
      return table(FbType.Time, () => {
        b.addFieldInt16(0, t.unit, 1);
        b.addFieldInt32(1, t.bitWidth, 32);
      });
    }
    case Type.Timestamp: {
      const t = type as Timestamp;
      const tz = t.timezone ? b.createString(t.timezone) : 0;
      return table(FbType.Timestamp, () => {
        b.addFieldInt16(0, t.unit, 0);
        if (tz) b.addFieldOffset(1, tz, 0);
      });
    }
    case Type.Duration: {
      const t = type as Duration;
      return table(FbType.Duration, () => b.addFieldInt16(0, t.unit, 1));
    }
    case Type.Interval: {
      const t = type as Interval;
      return table(FbType.Interval, () => b.addFieldInt16(0, t.unit, 0));
    }
    case Type.List:
      return table(FbType.List, () => {});
    case Type.Struct:
      return table(FbType.Struct, () => {});
    case Type.FixedSizeBinary: {
      const t = type as FixedSizeBinary;
      return table(FbType.FixedSizeBinary, () => b.addFieldInt32(0, t.byteWidth, 0));
    }
    case Type.FixedSizeList: {
      const t = type as FixedSizeList;
      return table(FbType.FixedSizeList, () => b.addFieldInt32(0, t.listSize, 0));
    }
    case Type.Map: {
      const t = type as Map_;
      return table(FbType.Map, () => b.addFieldInt8(0, t.keysSorted ? 1 : 0, 0));
    }
    default:
      throw new UnsupportedFieldType(`cannot encode Arrow type ${String(type)}`);
  }
}

function writeField(b: Builder, f: Field, includeName: boolean): number {
  const childFields = f.type.children as Field[] | undefined;
  let children = 0;
  if (childFields && childFields.length > 0) {
    children = offsetVector(
      b,
      childFields.map((c) => writeField(b, c, includeName)),
    );
  }
  const name = includeName ? b.createString(f.name) : 0;
  const { tag, offset } = writeType(b, f.type);
  b.startObject(7);
  if (name) b.addFieldOffset(0, name, 0);
  b.addFieldInt8(1, f.nullable ? 1 : 0, 0);
  b.addFieldInt8(2, tag, 0);
  b.addFieldOffset(3, offset, 0);
  if (children) b.addFieldOffset(5, children, 0);
  return b.endObject();
}

/** Writes one `Field` table into an existing builder (used for literal types, which carry no name). */
export function writeArrowField(b: Builder, f: Field, includeName = true): number {
  return writeField(b, f, includeName);
}

/** Writes a `Schema` table (endianness little, no metadata) into an existing builder. */
export function writeArrowSchema(b: Builder, fields: readonly Field[]): number {
  const vec = offsetVector(
    b,
    fields.map((f) => writeField(b, f, true)),
  );
  b.startObject(4);
  b.addFieldOffset(1, vec, 0);
  return b.endObject();
}

function readType(tag: number, t: FbTable | null, children: Field[], name: string): DataType {
  switch (tag) {
    case FbType.Null:
      return new Null();
    case FbType.Int:
      return new Int(t?.bool(1) ?? false, (t?.i32(0) ?? 32) as 8 | 16 | 32 | 64);
    case FbType.FloatingPoint:
      return new Float((t?.i16(0) ?? Precision.SINGLE) as Precision);
    case FbType.Binary:
      return new Binary();
    case FbType.Utf8:
      return new Utf8();
    case FbType.LargeBinary:
      return new LargeBinary();
    case FbType.LargeUtf8:
      return new LargeUtf8();
    case FbType.Bool:
      return new Bool();
    case FbType.Decimal:
      return new Decimal(t?.i32(1) ?? 0, t?.i32(0) ?? 0, t?.i32(2, 128) ?? 128);
    case FbType.Date:
      return new Date_((t?.i16(0, DateUnit.MILLISECOND) ?? DateUnit.MILLISECOND) as DateUnit);
    case FbType.Time:
      return new Time(
        (t?.i16(0, TimeUnit.MILLISECOND) ?? TimeUnit.MILLISECOND) as TimeUnit,
        (t?.i32(1, 32) ?? 32) as 32 | 64,
      );
    case FbType.Timestamp:
      return new Timestamp((t?.i16(0) ?? TimeUnit.SECOND) as TimeUnit, t?.str(1) ?? null);
    case FbType.Duration:
      return new Duration((t?.i16(0, TimeUnit.MILLISECOND) ?? TimeUnit.MILLISECOND) as TimeUnit);
    case FbType.Interval:
      return new Interval(t?.i16(0) ?? 0);
    case FbType.List:
      if (children.length !== 1) throw new UnsupportedFieldType(`list field ${name} needs one child`);
      return new List(children[0]!);
    case FbType.Struct:
      return new Struct(children);
    case FbType.FixedSizeBinary:
      return new FixedSizeBinary(t?.i32(0) ?? 0);
    case FbType.FixedSizeList:
      if (children.length !== 1)
        throw new UnsupportedFieldType(`fixed_size_list field ${name} needs one child`);
      return new FixedSizeList(t?.i32(0) ?? 0, children[0]!);
    case FbType.Map: {
      const entries = children[0];
      if (!entries || entries.type.typeId !== Type.Struct || entries.type.children.length !== 2)
        throw new UnsupportedFieldType(`map field ${name} needs an entries struct child`);
      return new Map_(entries as Field<Struct<{ key: DataType; value: DataType }>>, t?.bool(0) ?? false);
    }
    default:
      throw new UnsupportedFieldType(`unsupported Arrow type tag ${tag} for field ${name}`);
  }
}

export function readArrowField(t: FbTable): Field {
  const name = t.str(0) ?? "";
  const children = t.tables(5).map(readArrowField);
  const tag = t.u8(2);
  // The SDK tags a map's `entries` child as Map too (with key and value children): read it as the struct it is.
  const type =
    tag === FbType.Map && children.length === 2
      ? new Struct(children)
      : readType(tag, t.union(3), children, name);
  return new Field(name, type, t.bool(1));
}

export function readArrowSchema(t: FbTable): Field[] {
  return t.tables(1).map(readArrowField);
}
