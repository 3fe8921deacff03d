import { lt } from "../../vast/client/predicate.js";
import type { Transaction } from "../../vast/client/transaction.js";
import { ROW_ID } from "../../vast/client/transaction.js";
import type { CleanupResult } from "../port.js";
import { CHILD_TABLES, PIXEL_STATS_TABLES } from "../tables.js";
import { readBigints, readStrings } from "./arrow-rows.js";
import { FILE_KEY_COLUMNS, pickWinners, versionsOf } from "./file-versions.js";
import { statRowIds } from "./pixel-stats.js";
import type { VastTables } from "./vast-tables.js";
import { verdictRowIds } from "./verdicts.js";
import { winnerFiles } from "./winner-rows.js";

/**
 * Removes files last inspected before the cutoff with their children, verdicts and pixel statistics; then (unless a dry run) sweeps storage:
 * files rows that lost a race and child rows of no winning write (left only if a writer died between its
 * commit and its duplicate check — readers ignore them anyway).
 */
export async function cleanup(tables: VastTables, cutoff: Date, dryRun: boolean): Promise<CleanupResult> {
  const result = await tables.session.retrying((tx) => cleanupOnce(tables, tx, cutoff, dryRun), {
    commit: !dryRun,
  });
  if (!dryRun) await tables.session.retrying((tx) => sweepOnce(tables, tx));
  return result;
}

/** Deletes non-winning files rows, child rows whose (file_id, ingest_token) is no winner's, verdicts of no file. */
async function sweepOnce(tables: VastTables, tx: Transaction): Promise<void> {
  // Verdicts before files: a scan stores a file before its verdicts, so every verdict read here has its file.
  const verdicts = await tables.select(tx, "validation_results", ["file_id"]);
  const stats = await Promise.all(PIXEL_STATS_TABLES.map((t) => tables.select(tx, t, ["file_id"])));
  const files = await tables.select(tx, "files", FILE_KEY_COLUMNS);
  const versions = files ? versionsOf(files) : [];
  const winners = pickWinners(versions);
  const losers = versions.filter((v) => winners.get(v.file_id) !== v).map((v) => v.rowId);
  for (const table of CHILD_TABLES) {
    const children = await tables.select(tx, table, FILE_KEY_COLUMNS);
    if (!children) continue;
    const stray = versionsOf(children)
      .filter((c) => {
        const w = winners.get(c.file_id);
        return !w || w.token !== c.token;
      })
      .map((c) => c.rowId);
    await tx.delete(tables.ref(table), stray);
  }
  if (verdicts) {
    const ids = readStrings(verdicts, "file_id");
    const orphans = readBigints(verdicts, ROW_ID).filter((_, i) => !winners.has(ids[i] ?? ""));
    await tx.delete(tables.ref("validation_results"), orphans);
  }
  for (const [k, table] of PIXEL_STATS_TABLES.entries()) {
    const rows = stats[k];
    if (!rows) continue;
    const ids = readStrings(rows, "file_id");
    const orphans = readBigints(rows, ROW_ID).filter((_, i) => !winners.has(ids[i] ?? ""));
    await tx.delete(tables.ref(table), orphans);
  }
  await tx.delete(tables.ref("files"), losers);
}

async function cleanupOnce(
  tables: VastTables,
  tx: Transaction,
  cutoff: Date,
  dryRun: boolean,
): Promise<CleanupResult> {
  // Old candidates by pushdown, then every version of those ids (the winner decides whether a file is old).
  const candidates = await tables.select(tx, "files", ["file_id"], [lt("last_inspected", cutoff)]);
  const candidateIds = candidates ? [...new Set(readStrings(candidates, "file_id"))] : [];
  const { rows, tokens } = await winnerFiles(tables, tx, ["last_inspected"], {
    ids: candidateIds.filter((x): x is string => x !== null),
  });
  const old = rows.filter((r) => r.last_inspected.getTime() < cutoff.getTime()).map((r) => r.file_id);
  const result: CleanupResult = { files: old.length, parts: 0, channels: 0, attributes: 0 };
  const oldTokens = new Map([...tokens].filter(([id]) => old.includes(id)));
  for (const table of CHILD_TABLES) {
    const found = await tables.selectIn(tx, table, FILE_KEY_COLUMNS, "file_id", old);
    const versions = found.flatMap(versionsOf);
    result[table] = versions.filter((v) => oldTokens.get(v.file_id) === v.token).length;
    if (!dryRun) {
      await tx.delete(
        tables.ref(table),
        versions.map((v) => v.rowId),
      );
    }
  }
  if (!dryRun && old.length > 0) {
    await tx.delete(tables.ref("validation_results"), await verdictRowIds(tables, tx, old));
    for (const table of PIXEL_STATS_TABLES)
      await tx.delete(tables.ref(table), await statRowIds(tables, tx, table, old));
    const files = (await tables.selectIn(tx, "files", FILE_KEY_COLUMNS, "file_id", old)).flatMap(versionsOf);
    await tx.delete(
      tables.ref("files"),
      files.map((v) => v.rowId),
    );
  }
  return result;
}
