/**
 * Which Arrow column types a table may hold, mirroring VAST's answers: the "large" and view variants,
 * date64, decimal256, durations, intervals, unions and dictionaries are refused with
 * `TabularUnsupportedColumnType`; a fixed_size_list must have a non-nullable numeric element
 * (else the same code) and a positive size (else `TabularInvalidColumnTypeParam`).
 */
import { type DataType, DateUnit, type Decimal, type Field, type FixedSizeList, Type } from "apache-arrow";
import { EmulatorError, invalidColumnTypeParam, unsupportedColumnType } from "./errors.js";

/** Element types a vector (fixed_size_list) may hold, as VAST accepts them. */
const VECTOR_ELEMENTS = new Set<Type>([
  Type.Int,
  Type.Float,
  Type.Decimal,
  Type.Date,
  Type.Timestamp,
  Type.Time,
]);
/** The emulator's bound on vector dimensions (VAST documents none; a cell is expected to stay within 128 KiB). */
export const MAX_FIXED_LIST_SIZE = 1 << 16;

function check(type: DataType, path: string): void {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Bool:
    case Type.Utf8:
    case Type.Binary:
    case Type.Time:
    case Type.Timestamp:
    case Type.FixedSizeBinary:
      return;
    case Type.Date:
      if ((type as unknown as { unit: DateUnit }).unit !== DateUnit.DAY)
        throw unsupportedColumnType(`column ${path}: date64 is not supported`);
      return;
    case Type.Decimal:
      if ((type as Decimal).bitWidth !== 128)
        throw unsupportedColumnType(`column ${path}: only decimal128 is supported`);
      return;
    case Type.List:
    case Type.Map:
    case Type.Struct:
      for (const child of type.children as Field[]) check(child.type, `${path}.${child.name}`);
      return;
    case Type.FixedSizeList: {
      const t = type as FixedSizeList;
      const element = t.children[0] as Field;
      if (t.listSize <= 0)
        throw invalidColumnTypeParam(`column ${path}: fixed_size_list size must be positive`);
      if (t.listSize > MAX_FIXED_LIST_SIZE)
        throw unsupportedColumnType(
          `column ${path}: fixed_size_list size ${t.listSize} exceeds ${MAX_FIXED_LIST_SIZE}`,
        );
      if (element.nullable || !VECTOR_ELEMENTS.has(element.type.typeId))
        throw unsupportedColumnType(
          `column ${path}: fixed_size_list elements must be non-nullable numbers, got ${String(element.type)}${element.nullable ? " (nullable)" : ""}`,
        );
      return;
    }
    default:
      throw unsupportedColumnType(`column ${path}: type ${String(type)} is not supported`);
  }
}

/** A structural signature: type parameters and nullability everywhere, struct child names, no list item names. */
export function columnSignature(f: Field): string {
  const t = f.type;
  const children = (t.children ?? []) as Field[];
  const inner =
    t.typeId === Type.Struct
      ? children.map((c) => `${c.name}:${columnSignature(c)}`).join(",")
      : children.map(columnSignature).join(",");
  const head = children.length
    ? String(t.typeId) + (t.typeId === Type.FixedSizeList ? `[${(t as FixedSizeList).listSize}]` : "")
    : String(t);
  return `${f.nullable ? "?" : "!"}${head}${children.length ? `<${inner}>` : ""}`;
}

/** Data written to a column must have exactly the column's type (VAST answers TabularMismatchColumnType). */
export function checkSameColumnType(column: Field, incoming: Field): void {
  if (columnSignature(column) !== columnSignature(incoming))
    throw new EmulatorError(
      400,
      "TabularMismatchColumnType",
      `column ${column.name} is ${String(column.type)}${column.nullable ? "" : " not null"}, got ${String(incoming.type)}${incoming.nullable ? "" : " not null"}`,
    );
}

export function validateColumns(fields: readonly Field[]): void {
  for (const f of fields) check(f.type, f.name);
}
