/**
 * The bulk path for backfills: each batch of catalog rows is written as one Parquet object to the cluster's S3
 * side (the catalog's bucket, under `.exr-inspector-bulk/`) and imported into its table by the server
 * (`import_files`), inside the same transaction as everything else the write does, instead of being sent as
 * Arrow row inserts of at most 5 MiB each. The objects are deleted once the transaction is over (committed or not).
 */
import { randomBytes } from "node:crypto";
import { DeleteObjectsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Schema } from "apache-arrow";
import type { VastConfig } from "../../vast/client/config.js";
import { importFiles, type ObjectRef } from "../../vast/client/import-files.js";
import type { TableRef, Transaction } from "../../vast/client/transaction.js";
import { rowsToParquet } from "./parquet-batch.js";

/** Where the staged Parquet objects go inside the catalog's bucket. */
export const BULK_PREFIX = ".exr-inspector-bulk/";

/** Rows per staged object: large enough that imports are few, small enough to build in memory. */
const ROWS_PER_OBJECT = 50_000;

export class BulkImporter {
  readonly #s3: S3Client;
  readonly #bucket: string;
  #staged: string[] = [];

  constructor(config: VastConfig) {
    this.#bucket = config.bucket;
    this.#s3 = new S3Client({
      endpoint: config.endpoint.href,
      region: config.region || "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKey, secretAccessKey: config.secretKey },
    });
  }

  /** Stages `rows` as Parquet objects and imports them into `ref` in `tx`. */
  async insert(
    tx: Transaction,
    ref: TableRef,
    schema: Schema,
    rows: readonly Record<string, unknown>[],
  ): Promise<void> {
    const objects: ObjectRef[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_OBJECT) {
      const key = `${BULK_PREFIX}${ref.table}/${randomBytes(12).toString("hex")}.parquet`;
      this.#staged.push(key);
      await this.#s3.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: rowsToParquet(schema, rows.slice(i, i + ROWS_PER_OBJECT)),
        }),
      );
      objects.push({ bucket: this.#bucket, key });
    }
    await importFiles(tx, ref, objects);
  }

  /** Deletes the objects staged so far (the server has read them: an import copies the data into the table). */
  async cleanup(): Promise<void> {
    const keys = this.#staged;
    this.#staged = [];
    for (let i = 0; i < keys.length; i += 1000)
      await this.#s3.send(
        new DeleteObjectsCommand({
          Bucket: this.#bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
  }

  close(): void {
    this.#s3.destroy();
  }
}
