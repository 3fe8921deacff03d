/**
 * Listing responses of the tabular API: `tabular.ListSchemasResponse`, `tabular.ListTablesResponse`
 * and their shared element `tabular.ObjectDetails` (flatbuffers).
 */
import { Builder } from "flatbuffers";
import { asInt64, FbTable, offsetVector } from "./fb-table.js";

export interface ObjectDetails {
  name: string;
  properties: string;
  /** Tables carry their numeric handle as a decimal string; the SDK parses it with int(). */
  handle: string;
  numRows: bigint;
  sizeInBytes: bigint;
  numPartitions: bigint;
  sortingKeyEnabled: boolean;
  sortingScore: bigint;
  writeAmplification: bigint;
  acummulativeRowInsertionCount: bigint;
}

export function objectDetails(partial: Partial<ObjectDetails> & { name: string }): ObjectDetails {
  return {
    properties: "",
    handle: "",
    numRows: 0n,
    sizeInBytes: 0n,
    numPartitions: 0n,
    sortingKeyEnabled: false,
    sortingScore: 0n,
    writeAmplification: 0n,
    acummulativeRowInsertionCount: 0n,
    ...partial,
  };
}

export interface ListSchemasResponse {
  bucketName: string;
  schemas: ObjectDetails[];
}

export interface ListTablesResponse {
  bucketName: string;
  schemaName: string;
  tables: ObjectDetails[];
}

function writeDetails(b: Builder, d: ObjectDetails): number {
  const name = b.createString(d.name);
  const properties = b.createString(d.properties);
  const handle = b.createString(d.handle);
  b.startObject(10);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, properties, 0);
  b.addFieldOffset(2, handle, 0);
  b.addFieldInt64(3, asInt64(d.numRows), 0n);
  b.addFieldInt64(4, asInt64(d.sizeInBytes), 0n);
  b.addFieldInt64(5, asInt64(d.numPartitions), 0n);
  b.addFieldInt8(6, d.sortingKeyEnabled ? 1 : 0, 0);
  b.addFieldInt64(7, asInt64(d.sortingScore), 0n);
  b.addFieldInt64(8, asInt64(d.writeAmplification), 0n);
  b.addFieldInt64(9, asInt64(d.acummulativeRowInsertionCount), 0n);
  return b.endObject();
}

function readDetails(t: FbTable): ObjectDetails {
  return {
    name: t.str(0) ?? "",
    properties: t.str(1) ?? "",
    handle: t.str(2) ?? "",
    numRows: t.u64(3),
    sizeInBytes: t.u64(4),
    numPartitions: t.u64(5),
    sortingKeyEnabled: t.bool(6),
    sortingScore: t.i64(7),
    writeAmplification: t.i64(8),
    acummulativeRowInsertionCount: t.i64(9),
  };
}

export function encodeListSchemasResponse(r: ListSchemasResponse): Uint8Array {
  const b = new Builder(256);
  const bucket = b.createString(r.bucketName);
  const schemas = offsetVector(
    b,
    r.schemas.map((s) => writeDetails(b, s)),
  );
  b.startObject(2);
  b.addFieldOffset(0, bucket, 0);
  b.addFieldOffset(1, schemas, 0);
  b.finish(b.endObject());
  return b.asUint8Array();
}

export function decodeListSchemasResponse(bytes: Uint8Array): ListSchemasResponse {
  const t = FbTable.root(bytes);
  return { bucketName: t.str(0) ?? "", schemas: t.tables(1).map(readDetails) };
}

export function encodeListTablesResponse(r: ListTablesResponse): Uint8Array {
  const b = new Builder(256);
  const bucket = b.createString(r.bucketName);
  const schema = b.createString(r.schemaName);
  const tables = offsetVector(
    b,
    r.tables.map((s) => writeDetails(b, s)),
  );
  b.startObject(3);
  b.addFieldOffset(0, bucket, 0);
  b.addFieldOffset(1, schema, 0);
  b.addFieldOffset(2, tables, 0);
  b.finish(b.endObject());
  return b.asUint8Array();
}

export function decodeListTablesResponse(bytes: Uint8Array): ListTablesResponse {
  const t = FbTable.root(bytes);
  return { bucketName: t.str(0) ?? "", schemaName: t.str(1) ?? "", tables: t.tables(2).map(readDetails) };
}
