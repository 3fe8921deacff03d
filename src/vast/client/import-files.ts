/**
 * `import_files`: Parquet objects already on the cluster's S3 side imported into a table by the server
 * (`POST …?data`), in the transaction, at most 10 objects per request as the SDK sends them.
 */
import { decodeImportStatuses, encodeImportRequest, type ImportStatus } from "../protocol/import-request.js";
import { VastError } from "./errors.js";
import { type TableRef, type Transaction, tablePath } from "./transaction.js";

/** What the SDK accepts as "not failed" in a status record. */
const ACCEPTED = new Set([
  "Success",
  "TabularInProgress",
  "TabularAlreadyImported",
  "TabularImportNotStarted",
]);

/** The server's per-request limit ("enforced in server side", the SDK's `max_batch_size`). */
const FILES_PER_REQUEST = 10;

export class ImportFilesError extends VastError {
  constructor(readonly status: ImportStatus) {
    super(
      "VAST_IMPORT_FAILED",
      `import of ${status.bucket_name}/${status.object_name} failed: ${status.res}${status.err_msg ? ` (${status.err_msg})` : ""}`,
    );
  }
}

export interface ObjectRef {
  bucket: string;
  key: string;
}

export async function importFiles(
  tx: Transaction,
  ref: TableRef,
  objects: readonly ObjectRef[],
): Promise<void> {
  for (let i = 0; i < objects.length; i += FILES_PER_REQUEST) {
    const files = objects
      .slice(i, i + FILES_PER_REQUEST)
      .map((o) => ({ bucket: o.bucket, key: o.key, partitions: new Uint8Array(0) }));
    const res = await tx.rpc({
      method: "POST",
      path: tablePath(ref),
      query: "data",
      headers: { "tabular-case-sensitive": "True" },
      body: encodeImportRequest({ files, keyNames: [] }),
    });
    for (const status of decodeImportStatuses(res.body))
      if (!ACCEPTED.has(status.res)) throw new ImportFilesError(status);
  }
}
