/**
 * `validation_results` on VAST (no keys): a write deletes the earlier rows of each (file_id, policy_id) it is given
 * and inserts the new ones in one transaction, replayed whole on transient failures (the replay deletes what a lost
 * attempt inserted). Writers racing on one pair may both insert; readers keep the pair's latest set
 * (`latestVerdicts`) and the next write of the pair removes the rest.
 */
import type { Transaction } from "../../vast/client/transaction.js";
import { ROW_ID } from "../../vast/client/transaction.js";
import type { ValidationResultRow } from "../rows.js";
import { VALIDATION_RESULT_COLUMNS } from "../tables.js";
import { latestVerdicts, verdictSetKey, verdictSets } from "../validation-results.js";
import { readBigints, readStrings, rowsToBatch, tableToRows } from "./arrow-rows.js";
import type { VastTables } from "./vast-tables.js";

export async function putValidationResults(tables: VastTables, rows: ValidationResultRow[]): Promise<void> {
  const sets = verdictSets(rows);
  if (sets.size === 0) return;
  const schema = (await tables.schemas()).validation_results;
  if (!schema) throw new Error("the catalog has no validation_results table (opened read-only)");
  const fresh = [...sets.values()].flatMap((set) => set.rows);
  const fileIds = [...new Set(fresh.map((r) => r.file_id))];
  await tables.session.retrying(async (tx) => {
    const earlier: bigint[] = [];
    for (const t of await tables.selectIn(
      tx,
      "validation_results",
      ["file_id", "policy_id"],
      "file_id",
      fileIds,
    )) {
      const files = readStrings(t, "file_id");
      const policies = readStrings(t, "policy_id");
      readBigints(t, ROW_ID).forEach((rowId, i) => {
        if (sets.has(verdictSetKey(files[i] ?? "", policies[i] ?? ""))) earlier.push(rowId);
      });
    }
    await tx.delete(tables.ref("validation_results"), earlier);
    await tx.insert(
      tables.ref("validation_results"),
      rowsToBatch(schema, fresh as unknown as Record<string, unknown>[]),
    );
  });
}

/** The stored verdicts (the latest set of each file and policy), only the requested columns filled in. */
export async function readVerdicts(
  tables: VastTables,
  tx: Transaction,
  columns: string[],
): Promise<ValidationResultRow[]> {
  // The latest set is chosen by these, whatever the caller wants.
  const wanted = new Set([...columns, "file_id", "policy_id", "rule_id", "checked_at"]);
  const t = await tables.select(tx, "validation_results", [...wanted]);
  if (!t) return [];
  const specs = VALIDATION_RESULT_COLUMNS.filter((c) => wanted.has(c.name));
  return latestVerdicts(tableToRows<ValidationResultRow>(t, specs));
}

/** Row ids of the verdicts of the given files (cleanup). */
export async function verdictRowIds(
  tables: VastTables,
  tx: Transaction,
  fileIds: string[],
): Promise<bigint[]> {
  const found = await tables.selectIn(tx, "validation_results", ["file_id"], "file_id", fileIds);
  return found.flatMap((t) => readBigints(t, ROW_ID));
}
