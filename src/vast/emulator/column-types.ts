/**
 * Which Arrow column types a table may hold, mirroring VAST's answers: the "large" and view variants,
 * date64, decimal256, durations, intervals, unions and dictionaries are refused with
 * `TabularUnsupportedColumnType`; a fixed_size_list must have a non-nullable numeric element
 * (else the same code) and a positive size (else `TabularInvalidColumnTypeParam`).
 */
import { type DataType, DateUnit, type Decimal, type Field, type FixedSizeList, Type } from "apache-arrow";
import { invalidColumnTypeParam, unsupportedColumnType } from "./errors.js";

const NUMERIC = new Set<Type>([Type.Int, Type.Float, Type.Decimal]);

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
      if (element.nullable || !NUMERIC.has(element.type.typeId))
        throw unsupportedColumnType(
          `column ${path}: fixed_size_list elements must be non-nullable numbers, got ${String(element.type)}${element.nullable ? " (nullable)" : ""}`,
        );
      return;
    }
    default:
      throw unsupportedColumnType(`column ${path}: type ${String(type)} is not supported`);
  }
}

export function validateColumns(fields: readonly Field[]): void {
  for (const f of fields) check(f.type, f.name);
}
