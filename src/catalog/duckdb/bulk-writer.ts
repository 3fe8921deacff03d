import type { DuckDBConnection } from "@duckdb/node-api";
import type { CatalogRecord } from "../rows.js";
import { sqlList, sqlTimestamp } from "../sql-engine/sql-literals.js";
import { SCHEMA } from "./schema.js";
import { StagingGeneration } from "./staging.js";

/**
 * The DuckDB store's write path, a pipeline. The writer connection keeps one transaction — a generation — open
 * and, for each upsert batch in turn, appends its rows to small key-less temporary tables, moves them into the
 * catalog (one `INSERT … SELECT` per table, run by DuckDB off the JS thread) and drops them, while the scan
 * inspects the next files. The generation commits once it holds `writeBuffer` files (or at `flush`); with
 * `writeBuffer` 0 every batch commits before `upsert` returns. Memory stays bounded by about two batches (the
 * one being written, the next one waiting) plus what DuckDB keeps of the open transaction (the children have no
 * index, so full row groups go to the file optimistically).
 * A failed append, move or commit rolls back its whole generation (each file lands with all its rows or not at
 * all) and is thrown by the next `upsert` or `flush`.
 */
export class BulkWriter {
  private nextBatch = 1;
  /** Files handed to the writer and not yet committed (or rolled back). */
  private readonly uncommitted = new Set<string>();
  /** Files of the open generation. */
  private generationIds: string[] = [];
  private transactionOpen = false;
  /** The writer's queue: batches and commits, one at a time, in order. Never rejects (see `failure`). */
  private writing: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  writeBuffer = 0;

  constructor(
    /** The store's connection (lookups of committed files); used only under the store's lock. */
    private readonly connection: DuckDBConnection,
    /** Runs the generations' transactions: appends, moves, commits. */
    private readonly writer: DuckDBConnection,
  ) {}

  /**
   * Hands a batch of distinct files (`occurrences`: how often each file id was in the caller's batch) to the
   * writer and returns the ids that were already catalogued; those are re-inspections (inspection_count +
   * occurrences). Returns once the previous batch is written: at most one waits behind the one being written.
   */
  async upsert(unique: CatalogRecord[], occurrences: Map<string, number>, now: Date): Promise<Set<string>> {
    this.throwFailure();
    // A file not yet committed is committed first, so the lookup below sees it catalogued.
    if (unique.some((r) => this.uncommitted.has(r.file.file_id))) await this.flush();

    const existing = await this.connection.runAndReadAll(
      `SELECT file_id, pending_delete FROM ${SCHEMA}.files WHERE file_id IN (${sqlList(unique.map((r) => r.file.file_id))})`,
    );
    const existingIds = new Set<string>();
    // Stryker disable next-line BooleanLiteral: starting true only adds a DELETE of marked rows, which are childless and invisible: the same rows remain
    let pendingDelete = false;
    for (const [id, isPending] of existing.getRows()) {
      if (isPending) pendingDelete = true;
      else existingIds.add(String(id));
    }
    // Parents left marked by an interrupted cleanup (their children are already gone).
    if (pendingDelete) await this.connection.run(`DELETE FROM ${SCHEMA}.files WHERE pending_delete`);

    const batch = new StagingGeneration(SCHEMA, this.nextBatch++);
    const byIncrement = new Map<number, string[]>();
    for (const id of existingIds) {
      const n = occurrences.get(id) ?? 1;
      byIncrement.set(n, [...(byIncrement.get(n) ?? []), id]);
    }
    for (const [n, group] of byIncrement) {
      batch.updates.push(
        `UPDATE ${SCHEMA}.files SET inspection_count = inspection_count + ${n}, last_inspected = ${sqlTimestamp(now)}
         WHERE file_id IN (${sqlList(group)})`,
      );
    }
    const fresh = unique.filter((r) => !existingIds.has(r.file.file_id));
    for (const r of fresh) {
      const n = occurrences.get(r.file.file_id) ?? 1;
      if (n > 1) r.file = { ...r.file, inspection_count: r.file.inspection_count + n - 1 };
    }
    for (const r of unique) {
      this.uncommitted.add(r.file.file_id);
      this.generationIds.push(r.file.file_id);
    }
    const previous = this.writing;
    this.enqueue(() => this.write(batch, fresh));
    if (this.generationIds.length >= this.writeBuffer) this.enqueueCommit();
    await previous;
    if (this.writeBuffer === 0) await this.drain();
    return existingIds;
  }

  /** Commits everything handed over so far and waits for it; throws a failed write's or commit's error. */
  async flush(): Promise<void> {
    this.enqueueCommit();
    await this.drain();
  }

  private enqueueCommit(): void {
    const ids = this.generationIds;
    this.generationIds = [];
    this.enqueue(() => this.commit());
    // Committed or rolled back: either way a later batch looks these files up afresh.
    void this.writing.then(() => {
      for (const id of ids) this.uncommitted.delete(id);
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.writing = this.writing.then(async () => {
      if (this.failure) return; // the generation is rolled back; nothing more until the failure is thrown
      try {
        await task();
      } catch (error) {
        this.failure ??= { error };
        if (this.transactionOpen) {
          this.transactionOpen = false;
          await this.writer.run("ROLLBACK").catch(() => undefined);
        }
      }
    });
  }

  private async write(batch: StagingGeneration, fresh: CatalogRecord[]): Promise<void> {
    if (!this.transactionOpen) {
      await this.writer.run("BEGIN TRANSACTION");
      this.transactionOpen = true;
    }
    // Temporary tables, created and dropped in the transaction: a rollback removes them too.
    await batch.append(this.writer, fresh);
    for (const sql of batch.writeStatements()) await this.writer.run(sql);
    for (const sql of batch.dropStatements()) await this.writer.run(sql);
  }

  private async commit(): Promise<void> {
    if (!this.transactionOpen) return;
    this.transactionOpen = false;
    await this.writer.run("COMMIT");
  }

  private async drain(): Promise<void> {
    await this.writing;
    this.throwFailure();
  }

  private throwFailure(): void {
    const failure = this.failure;
    if (!failure) return;
    this.failure = null;
    throw failure.error;
  }
}
