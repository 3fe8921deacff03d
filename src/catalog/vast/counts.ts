/**
 * `counts` on VAST: what readers see (winner files, children of winning writes), from the key columns alone,
 * streamed page by page. The wire carries `file_id`, `ingest_token` and `$row_id` of each row; memory holds, per
 * file, its id's bytes and three numbers in typed arrays (byte-key-table.ts) — no string or object per file or
 * per row, so a catalog of 100k files with millions of child rows is a few MB, not one JS entry per file.
 */
import type { Data, RecordBatch } from "apache-arrow";
import type { Transaction } from "../../vast/client/transaction.js";
import { ROW_ID } from "../../vast/client/transaction.js";
import type { TableCounts } from "../port.js";
import { CHILD_TABLES } from "../tables.js";
import { ByteKeyTable, grown } from "./byte-key-table.js";
import { FILE_KEY_COLUMNS } from "./file-versions.js";
import { INGEST_TOKEN } from "./table-schemas.js";
import type { VastTables } from "./vast-tables.js";

/** Rows per sub-split and request when only key columns are read (≈ 110 bytes a row: ≈ 7 MB per answer). */
const KEY_PAGE_ROWS = 16 * 1024;

const NO_BYTES = new Uint8Array(0);

/** A UTF-8 column of one batch read in place: row `i` is `values[offsets[i] … offsets[i + 1])`, or null. */
class Utf8Column {
  readonly values: Uint8Array;
  readonly offsets: Int32Array;
  constructor(readonly data: Data | undefined) {
    this.values = (data?.values as Uint8Array | undefined) ?? NO_BYTES;
    this.offsets = (data?.valueOffsets as Int32Array | undefined) ?? new Int32Array(1);
  }
  isNull(i: number): boolean {
    return this.data === undefined || !this.data.getValid(i);
  }
}

function utf8Column(batch: RecordBatch, name: string): Utf8Column {
  return new Utf8Column(batch.getChild(name)?.data[0]);
}

/** `$row_id`s of a batch as (high, low) 32-bit halves, without a BigInt per row. */
function rowIdHalves(batch: RecordBatch): Uint32Array {
  const values = batch.getChild(ROW_ID)!.data[0]!.values as BigUint64Array;
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Per file id: its winner row (smallest `$row_id`) and that row's write token (id in `tokens`, -1 = null). */
class Winners {
  readonly files = new ByteKeyTable();
  readonly tokens = new ByteKeyTable();
  #high = new Uint32Array(1024);
  #low = new Uint32Array(1024);
  #token = new Int32Array(1024);

  offer(ids: Utf8Column, tokens: Utf8Column, rowIds: Uint32Array, i: number): void {
    const before = this.files.size;
    const file = ids.isNull(i)
      ? this.files.add(NO_BYTES, 0, 0)
      : this.files.add(ids.values, ids.offsets[i]!, ids.offsets[i + 1]!);
    const low = rowIds[2 * i]!;
    const high = rowIds[2 * i + 1]!;
    if (file === before) {
      if (file === this.#token.length) {
        this.#high = grown(this.#high, file * 2);
        this.#low = grown(this.#low, file * 2);
        this.#token = grown(this.#token, file * 2);
      }
    } else if (this.#high[file]! < high || (this.#high[file] === high && this.#low[file]! <= low)) {
      return;
    }
    this.#high[file] = high;
    this.#low[file] = low;
    this.#token[file] = tokens.isNull(i)
      ? -1
      : this.tokens.add(tokens.values, tokens.offsets[i]!, tokens.offsets[i + 1]!);
  }

  /** Whether row `i` was stored by its file's winning write. */
  isWinningWrite(ids: Utf8Column, tokens: Utf8Column, i: number): boolean {
    const file = ids.isNull(i)
      ? this.files.find(NO_BYTES, 0, 0)
      : this.files.find(ids.values, ids.offsets[i]!, ids.offsets[i + 1]!);
    if (file < 0) return false;
    const token = tokens.isNull(i)
      ? -1
      : this.tokens.find(tokens.values, tokens.offsets[i]!, tokens.offsets[i + 1]!);
    return token === this.#token[file] && (token >= 0 || tokens.isNull(i));
  }
}

export async function countWinners(tables: VastTables, tx: Transaction): Promise<TableCounts> {
  const winners = new Winners();
  const pages = (table: "files" | (typeof CHILD_TABLES)[number]) =>
    tables.stream(tx, table, FILE_KEY_COLUMNS, {
      rowsPerPage: KEY_PAGE_ROWS,
      transientPages: true, // winners and counts copy what they keep (byte-key-table.ts)
    });
  for await (const batch of pages("files")) {
    const ids = utf8Column(batch, "file_id");
    const tokens = utf8Column(batch, INGEST_TOKEN);
    const rowIds = rowIdHalves(batch);
    for (let i = 0; i < batch.numRows; i++) winners.offer(ids, tokens, rowIds, i);
  }
  const out: TableCounts = { files: winners.files.size, parts: 0, channels: 0, attributes: 0 };
  for (const table of CHILD_TABLES) {
    for await (const batch of pages(table)) {
      const ids = utf8Column(batch, "file_id");
      const tokens = utf8Column(batch, INGEST_TOKEN);
      for (let i = 0; i < batch.numRows; i++) if (winners.isWinningWrite(ids, tokens, i)) out[table]++;
    }
  }
  return out;
}
