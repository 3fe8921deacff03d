/**
 * Raw view of a VAST catalog for tests: every stored row's file_id / ingest_token / $row_id, bypassing the
 * adapter's de-duplicating readers, to prove that duplicates and orphans do not survive in storage.
 */
import { Field, Schema, Utf8 } from "apache-arrow";
import { CATALOG_TABLES, type CatalogTable } from "../../../src/catalog/tables.js";
import { readBigints, readStrings } from "../../../src/catalog/vast/arrow-rows.js";
import { INGEST_TOKEN } from "../../../src/catalog/vast/table-schemas.js";
import type { VastConfig } from "../../../src/vast/client/config.js";
import { select } from "../../../src/vast/client/select.js";
import { VastSession } from "../../../src/vast/client/session.js";
import { ROW_ID } from "../../../src/vast/client/transaction.js";

export interface RawRow {
  file_id: string;
  token: string | null;
  rowId: bigint;
}

export async function rawRows(config: VastConfig): Promise<Record<CatalogTable, RawRow[]>> {
  const session = await VastSession.connect(config);
  try {
    return await session.transaction(async (tx) => {
      const out = {} as Record<CatalogTable, RawRow[]>;
      const keys = new Schema([
        new Field("file_id", new Utf8(), true),
        new Field(INGEST_TOKEN, new Utf8(), true),
      ]);
      for (const table of CATALOG_TABLES) {
        const t = await select(tx, { bucket: config.bucket, schema: config.schema, table }, keys, {
          internalRowId: true,
        });
        const ids = readStrings(t, "file_id");
        const tokens = readStrings(t, INGEST_TOKEN);
        const rowIds = readBigints(t, ROW_ID);
        out[table] = ids.map((id, i) => ({ file_id: id ?? "", token: tokens[i] ?? null, rowId: rowIds[i]! }));
      }
      return out;
    });
  } finally {
    session.close();
  }
}

/** Problems of a raw catalog: duplicate files rows, children not matching their files row's token. */
export function rawProblems(raw: Record<CatalogTable, RawRow[]>): string[] {
  const problems: string[] = [];
  const tokenOf = new Map<string, string | null>();
  for (const f of raw.files) {
    if (tokenOf.has(f.file_id)) problems.push(`duplicate files row for ${f.file_id}`);
    tokenOf.set(f.file_id, f.token);
  }
  for (const table of ["parts", "channels", "attributes"] as const) {
    for (const c of raw[table]) {
      if (!tokenOf.has(c.file_id)) problems.push(`${table} row without a files row (${c.file_id})`);
      else if (tokenOf.get(c.file_id) !== c.token)
        problems.push(`${table} row of another write of ${c.file_id}`);
    }
  }
  return problems;
}
