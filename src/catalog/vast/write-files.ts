import { randomBytes } from "node:crypto";
import { Field, Schema, Uint64 } from "apache-arrow";
import { ROW_ID, type Transaction } from "../../vast/client/transaction.js";
import type { UpsertOutcome } from "../port.js";
import type { CatalogRecord } from "../rows.js";
import { CHILD_TABLES } from "../tables.js";
import { dedupeBatch, upsertOutcomes } from "../upsert-batch.js";
import { rowsToBatch } from "./arrow-rows.js";
import { FILE_KEY_COLUMNS, type FileVersion, pickWinners, versionsOf } from "./file-versions.js";
import { INGEST_TOKEN } from "./table-schemas.js";
import { chunks, settleAll, type VastTables } from "./vast-tables.js";

interface WriteResult {
  inserted: Set<string>;
  reinspected: Set<string>;
  /** Ids seen with more than one files row (a race not yet cleaned up). */
  duplicated: Set<string>;
}

export interface WriteMode {
  occurrences: Map<string, number>;
  now: Date;
  /** Bump `inspection_count` / `last_inspected` of files already stored (false: leave them as they are). */
  reinspect: boolean;
}

function newToken(): string {
  return randomBytes(16).toString("hex");
}

/**
 * Upserts records in transactions of `filesPerTransaction` files; one outcome per record, in order.
 * `onCommitted` is called when the last transaction has committed, before its duplicate check.
 */
export async function upsertFiles(
  tables: VastTables,
  records: CatalogRecord[],
  now: Date,
  filesPerTransaction: number,
  onCommitted?: () => void,
): Promise<UpsertOutcome[]> {
  if (records.length === 0) {
    onCommitted?.();
    return [];
  }
  const { unique, occurrences } = dedupeBatch(records);
  const inserted = new Set<string>();
  const parts = chunks(unique, filesPerTransaction);
  for (const [i, chunk] of parts.entries()) {
    const last = i === parts.length - 1;
    const result = await writeFiles(
      tables,
      chunk,
      { occurrences, now, reinspect: true },
      last ? onCommitted : undefined,
    );
    for (const id of result.inserted) inserted.add(id);
  }
  return upsertOutcomes(records, (id) => inserted.has(id));
}

/**
 * One transaction (retried on transient failures) that inserts the chunk's new files with their children and
 * bumps re-inspected ones; then (after `onCommitted`) the post-commit duplicate check. Returns the ids this call
 * inserted and kept.
 */
export async function writeFiles(
  tables: VastTables,
  chunk: CatalogRecord[],
  mode: WriteMode,
  onCommitted?: () => void,
): Promise<WriteResult> {
  const schemas = await tables.schemas();
  const ids = chunk.map((r) => r.file.file_id);
  const myTokens = new Set<string>();
  // Replayed whole on any failure that allows it: each attempt tags its rows with a new token, and a file an
  // earlier attempt committed (its answer lost) is recognised by that attempt's token.
  const result = await writeTransaction(tables, async (tx, _attempt, afterUncertainCommit) => {
    const token = newToken();
    myTokens.add(token);
    const found = await tables.selectIn(
      tx,
      "files",
      [...FILE_KEY_COLUMNS, "inspection_count", "last_inspected"],
      "file_id",
      ids,
    );
    const winners = new Map<string, { v: FileVersion; count: number; last: number }>();
    const duplicated = new Set<string>();
    for (const t of found) {
      const counts = t.getChild("inspection_count");
      const lasts = t.getChild("last_inspected");
      for (const v of versionsOf(t)) {
        const w = winners.get(v.file_id);
        if (w) duplicated.add(v.file_id);
        if (w && w.v.rowId < v.rowId) continue;
        const last = lasts?.get(v.index);
        winners.set(v.file_id, {
          v,
          count: Number(counts?.get(v.index) ?? 0),
          last: typeof last === "number" ? last : last ? Date.parse(String(last)) : 0,
        });
      }
    }
    const fresh: CatalogRecord[] = [];
    const mine = new Set<string>();
    const updates: Record<string, unknown>[] = [];
    for (const rec of chunk) {
      const id = rec.file.file_id;
      const n = mode.occurrences.get(id) ?? 1;
      const w = winners.get(id);
      if (!w) {
        fresh.push(
          n > 1
            ? { ...rec, file: { ...rec.file, inspection_count: rec.file.inspection_count + n - 1 } }
            : rec,
        );
      } else if (w.v.token !== null && myTokens.has(w.v.token)) {
        mine.add(id); // an earlier attempt of this call committed before its answer was lost
      } else if (mode.reinspect && !(afterUncertainCommit && w.last === mode.now.getTime())) {
        // (An earlier attempt whose commit had an unknown outcome and did commit left our `now` behind: counted.
        // A conflict or any failure before the commit applied nothing: count again.)
        updates.push({
          [ROW_ID]: w.v.rowId,
          inspection_count: w.count + n,
          last_inspected: mode.now,
        });
      }
    }
    // Everything but the files rows goes in one round trip: the bump of known files and each child table's
    // inserts are independent requests of this transaction (sent concurrently).
    const writes: Promise<unknown>[] = [];
    if (updates.length > 0) {
      const files = schemas.files!;
      const pick = (name: string) => files.fields.find((f) => f.name === name)!;
      const updateSchema = new Schema([
        new Field(ROW_ID, new Uint64(), false),
        pick("inspection_count"),
        pick("last_inspected"),
      ]);
      updates.sort((a, b) => ((a[ROW_ID] as bigint) < (b[ROW_ID] as bigint) ? -1 : 1));
      writes.push(tx.update(tables.ref("files"), rowsToBatch(updateSchema, updates)));
    }
    // Children first, the files rows last: a reader never sees a files row without its children.
    const tag = (rows: object[]): Record<string, unknown>[] =>
      rows.map((r) => ({ ...r, [INGEST_TOKEN]: token }));
    writes.push(
      tables.insertTables(
        tx,
        CHILD_TABLES.map((table) => ({ table, rows: tag(fresh.flatMap((r) => r[table] as object[])) })),
      ),
    );
    await settleAll(writes);
    if (fresh.length > 0) await tables.insertRows(tx, "files", tag(fresh.map((r) => r.file)));
    const inserted = new Set([...fresh.map((r) => r.file.file_id), ...mine]);
    const reinspected = new Set(ids.filter((id) => !inserted.has(id)));
    return { inserted, reinspected, duplicated };
  });
  onCommitted?.();
  if (result.inserted.size > 0 || result.duplicated.size > 0) {
    const lost = await resolveDuplicates(
      tables,
      [...new Set([...result.inserted, ...result.duplicated])],
      myTokens,
    );
    for (const id of lost) {
      if (!result.inserted.delete(id)) continue;
      result.reinspected.add(id);
    }
  }
  return result;
}

/** A write transaction (retried), then what the bulk path staged for it is removed, whatever the outcome. */
async function writeTransaction<T>(
  tables: VastTables,
  work: (tx: Transaction, attempt: number, afterUncertainCommit: boolean) => Promise<T>,
): Promise<T> {
  try {
    return await tables.session.retrying(work);
  } finally {
    await tables.afterWrite();
  }
}

/**
 * Post-commit duplicate check of `ids`: keeps the smallest-`$row_id` files row of each, deletes the others with
 * the children carrying their tokens. Returns the ids whose winner is not one of `myTokens`.
 * Most checks find no race: they read in a transaction that is rolled back without waiting for it, and only a
 * check that finds losers opens a write transaction (which reads again, then deletes).
 */
async function resolveDuplicates(
  tables: VastTables,
  ids: string[],
  myTokens: Set<string>,
): Promise<Set<string>> {
  const seen = await tables.session.retrying((tx) => readVersions(tables, tx, ids, myTokens), {
    commit: false,
    awaitRollback: false,
  });
  if (seen.losers.length === 0) return seen.lost;
  return tables.session.retrying(async (tx) => {
    const { lost, losers, winners } = await readVersions(tables, tx, ids, myTokens);
    if (losers.length > 0) await deleteLosers(tables, tx, losers, winners);
    return lost;
  });
}

/** The stored versions of `ids`: per id the winner, the other versions, and the ids whose winner is not ours. */
async function readVersions(tables: VastTables, tx: Transaction, ids: string[], myTokens: Set<string>) {
  const versions = (await tables.selectIn(tx, "files", FILE_KEY_COLUMNS, "file_id", ids)).flatMap(versionsOf);
  const winners = pickWinners(versions);
  const lost = new Set<string>();
  for (const [id, w] of winners) if (w.token === null || !myTokens.has(w.token)) lost.add(id);
  const losers = versions.filter((v) => winners.get(v.file_id) !== v);
  return { lost, losers, winners };
}

/** Deletes race losers' files rows and the children carrying their tokens. */
async function deleteLosers(
  tables: VastTables,
  tx: Transaction,
  losers: FileVersion[],
  winners: Map<string, FileVersion>,
): Promise<void> {
  const loserTokens = new Map<string, Set<string>>();
  for (const l of losers) {
    const winnerToken = winners.get(l.file_id)!.token;
    if (l.token === null || l.token === winnerToken) continue;
    const set = loserTokens.get(l.file_id) ?? new Set<string>();
    set.add(l.token);
    loserTokens.set(l.file_id, set);
  }
  for (const table of CHILD_TABLES) {
    if (loserTokens.size === 0) break;
    const found = await tables.selectIn(tx, table, FILE_KEY_COLUMNS, "file_id", [...loserTokens.keys()]);
    const doomed = found
      .flatMap(versionsOf)
      .filter((c) => c.token !== null && loserTokens.get(c.file_id)?.has(c.token))
      .map((c) => c.rowId);
    await tx.delete(tables.ref(table), doomed);
  }
  await tx.delete(
    tables.ref("files"),
    losers.map((l) => l.rowId),
  );
}
