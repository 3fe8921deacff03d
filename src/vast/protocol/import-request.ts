/**
 * `POST /bucket/schema/table?data`: import Parquet objects of the S3 side into a table, server-side.
 * Request: flatbuffer `tabular.ImportDataRequest{s3_files: [S3File{format, bucket_name, file_name, partitions}],
 * key_names: [KeyName{name}]}` (`partitions`: an Arrow IPC stream of one row, the file's partition values;
 * `key_names`: the "zip import" keys). Answer: one JSON status record per object, each padded with spaces to
 * exactly 1024 bytes (the SDK reads the answer 1024 bytes at a time and parses each piece).
 */
import { Builder } from "flatbuffers";
import { FbTable, offsetVector } from "./fb-table.js";

export interface ImportedFile {
  bucket: string;
  /** Object key inside the bucket (no leading slash). */
  key: string;
  /** Partition values as an Arrow IPC stream of one row; empty = none. */
  partitions: Uint8Array;
}

export interface ImportRequest {
  files: ImportedFile[];
  keyNames: string[];
}

export function encodeImportRequest(r: ImportRequest): Uint8Array {
  const b = new Builder(256);
  const files = r.files.map((f) => {
    const format = b.createString("parquet");
    const bucket = b.createString(f.bucket);
    const key = b.createString(f.key);
    const partitions = b.createByteVector(f.partitions);
    b.startObject(4);
    b.addFieldOffset(0, format, 0);
    b.addFieldOffset(1, bucket, 0);
    b.addFieldOffset(2, key, 0);
    if (f.partitions.length > 0) b.addFieldOffset(3, partitions, 0);
    return b.endObject();
  });
  const fileVector = offsetVector(b, files);
  const keys = r.keyNames.map((k) => {
    const name = b.createString(k);
    b.startObject(1);
    b.addFieldOffset(0, name, 0);
    return b.endObject();
  });
  const keyVector = offsetVector(b, keys);
  b.startObject(2);
  b.addFieldOffset(0, fileVector, 0);
  b.addFieldOffset(1, keyVector, 0);
  b.finish(b.endObject());
  return b.asUint8Array();
}

export interface ImportFileFormat {
  format: string;
  file: ImportedFile;
}

export function decodeImportRequest(bytes: Uint8Array): { files: ImportFileFormat[]; keyNames: string[] } {
  const t = FbTable.root(bytes);
  return {
    files: t.tables(0).map((f) => ({
      format: f.str(0) ?? "",
      file: { bucket: f.str(1) ?? "", key: f.str(2) ?? "", partitions: f.bytes(3) ?? new Uint8Array(0) },
    })),
    keyNames: t.tables(1).map((k) => k.str(0) ?? ""),
  };
}

/** One status record of the answer (`res` is `Success` or a `Tabular…` error code). */
export interface ImportStatus {
  res: string;
  err_msg: string;
  bucket_name: string;
  object_name: string;
}

export const IMPORT_STATUS_RECORD_BYTES = 1024;

/** A record as the SDK reads it: JSON padded with spaces to 1024 bytes (a long message is cut to fit). */
export function encodeImportStatus(s: ImportStatus): Uint8Array {
  const utf8 = new TextEncoder();
  let status = { ...s };
  let json = utf8.encode(JSON.stringify(status));
  while (json.length > IMPORT_STATUS_RECORD_BYTES && status.err_msg.length > 0) {
    status = { ...status, err_msg: status.err_msg.slice(0, Math.floor(status.err_msg.length * 0.8)) };
    json = utf8.encode(JSON.stringify(status));
  }
  const out = new Uint8Array(IMPORT_STATUS_RECORD_BYTES).fill(0x20);
  out.set(json);
  return out;
}

export function decodeImportStatuses(body: Uint8Array): ImportStatus[] {
  const out: ImportStatus[] = [];
  const text = new TextDecoder();
  for (let at = 0; at < body.length; at += IMPORT_STATUS_RECORD_BYTES)
    out.push(JSON.parse(text.decode(body.subarray(at, at + IMPORT_STATUS_RECORD_BYTES))) as ImportStatus);
  return out;
}
