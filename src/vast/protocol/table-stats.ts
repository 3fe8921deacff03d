/** `tabular.GetTableStatsResponse` (flatbuffers), the answer to `GET /bucket/schema/table?stats`. */
import { Builder } from "flatbuffers";
import { asInt64, FbTable, offsetVector } from "./fb-table.js";

export interface VectorIndexMetadata {
  columnName: string;
  distanceMetric: string;
  sqlFunctionName: string;
}

/** `tabular.VipRange`: `addressCount` consecutive IPv4 addresses from `startAddress` (the data endpoints). */
export interface VipRange {
  startAddress: string;
  addressCount: number;
}

export interface TableStats {
  numRows: bigint;
  sizeInBytes: bigint;
  isExternalRowidAlloc: boolean;
  addressType: string;
  vips: VipRange[];
  sortingKeyEnabled: boolean;
  sortingScore: bigint;
  writeAmplification: bigint;
  acummulativeRowInsertionCount: bigint;
  vectorIndex: VectorIndexMetadata | null;
}

export function tableStats(partial: Partial<TableStats>): TableStats {
  return {
    numRows: 0n,
    sizeInBytes: 0n,
    isExternalRowidAlloc: false,
    addressType: "",
    vips: [],
    sortingKeyEnabled: false,
    sortingScore: 0n,
    writeAmplification: 0n,
    acummulativeRowInsertionCount: 0n,
    vectorIndex: null,
    ...partial,
  };
}

export function encodeTableStats(s: TableStats): Uint8Array {
  const b = new Builder(128);
  const addressType = s.addressType ? b.createString(s.addressType) : 0;
  const vips = s.vips.length
    ? offsetVector(
        b,
        s.vips.map((v) => {
          const start = b.createString(v.startAddress);
          b.startObject(2);
          b.addFieldOffset(0, start, 0);
          b.addFieldInt16(1, v.addressCount, 0);
          return b.endObject();
        }),
      )
    : 0;
  let vector = 0;
  if (s.vectorIndex) {
    const c = b.createString(s.vectorIndex.columnName);
    const m = b.createString(s.vectorIndex.distanceMetric);
    const f = b.createString(s.vectorIndex.sqlFunctionName);
    b.startObject(3);
    b.addFieldOffset(0, c, 0);
    b.addFieldOffset(1, m, 0);
    b.addFieldOffset(2, f, 0);
    vector = b.endObject();
  }
  b.startObject(10);
  b.addFieldInt64(0, asInt64(s.numRows), 0n);
  b.addFieldInt64(1, asInt64(s.sizeInBytes), 0n);
  b.addFieldInt8(2, s.isExternalRowidAlloc ? 1 : 0, 0);
  if (addressType) b.addFieldOffset(3, addressType, 0);
  if (vips) b.addFieldOffset(4, vips, 0);
  b.addFieldInt8(5, s.sortingKeyEnabled ? 1 : 0, 0);
  b.addFieldInt64(6, asInt64(s.sortingScore), 0n);
  b.addFieldInt64(7, asInt64(s.writeAmplification), 0n);
  b.addFieldInt64(8, asInt64(s.acummulativeRowInsertionCount), 0n);
  if (vector) b.addFieldOffset(9, vector, 0);
  b.finish(b.endObject());
  return b.asUint8Array();
}

export function decodeTableStats(bytes: Uint8Array): TableStats {
  const t = FbTable.root(bytes);
  const v = t.table(9);
  return {
    numRows: t.i64(0),
    sizeInBytes: t.i64(1),
    isExternalRowidAlloc: t.bool(2),
    addressType: t.str(3) ?? "",
    vips: t.tables(4).map((v) => ({ startAddress: v.str(0) ?? "", addressCount: v.u16(1) })),
    sortingKeyEnabled: t.bool(5),
    sortingScore: t.i64(6),
    writeAmplification: t.i64(7),
    acummulativeRowInsertionCount: t.i64(8),
    vectorIndex: v
      ? { columnName: v.str(0) ?? "", distanceMetric: v.str(1) ?? "", sqlFunctionName: v.str(2) ?? "" }
      : null,
  };
}
