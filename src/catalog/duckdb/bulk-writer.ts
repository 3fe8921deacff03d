import type { DuckDBConnection } from "@duckdb/node-api";
import type { CatalogRecord } from "../rows.js";
import { sqlList, sqlTimestamp } from "../sql-engine/sql-literals.js";
import { SCHEMA } from "./schema.js";
import { StagingGeneration } from "./staging.js";

/**
 * The DuckDB store's write path. Upsert batches are staged (on the store's connection, under its lock) into a
 * generation; once a generation holds `writeBuffer` files (a quarter of that while the writer is idle) it is
 * sealed and committed by one transaction on a connection of its own, in the background: DuckDB moves, checks
 * and commits one generation while the next one fills (at most one committing, one filling). With `writeBuffer` 0
 * every batch is its own generation and `upsert` waits for its commit. A failed commit rolls back its whole
 * generation (each file lands with all its rows or not at all) and is thrown by the next `upsert` or `flush`; a
 * failed staging append drops the filling generation and is thrown at once.
 */
export class BulkWriter {
  private generation: StagingGeneration | null = null;
  private nextGeneration = 1;
  /** Files of sealed generations whose commit has not finished. */
  private readonly sealedIds = new Set<string>();
  private committing: Promise<void> = Promise.resolve();
  private writerBusy = false;
  private failure: { error: unknown } | null = null;
  writeBuffer = 0;

  constructor(
    /** The store's connection (stage appends, lookups); used only under the store's lock. */
    private readonly connection: DuckDBConnection,
    /** Runs the generations' transactions, one at a time. */
    private readonly writer: DuckDBConnection,
  ) {}

  /**
   * Stages a batch of distinct files (`occurrences`: how often each file id was in the caller's batch) and
   * returns the ids that were already catalogued; those are re-inspections (inspection_count + occurrences).
   */
  async upsert(unique: CatalogRecord[], occurrences: Map<string, number>, now: Date): Promise<Set<string>> {
    this.throwFailure();
    // A file of a generation not yet committed is waited for, so the lookup below sees it catalogued.
    const current = this.generation;
    if (current && unique.some((r) => current.ids.has(r.file.file_id))) await this.seal();
    if (unique.some((r) => this.sealedIds.has(r.file.file_id))) await this.drain();

    const existing = await this.connection.runAndReadAll(
      `SELECT file_id, pending_delete FROM ${SCHEMA}.files WHERE file_id IN (${sqlList(unique.map((r) => r.file.file_id))})`,
    );
    const existingIds = new Set<string>();
    let pendingDelete = false;
    for (const [id, isPending] of existing.getRows()) {
      if (isPending) pendingDelete = true;
      else existingIds.add(String(id));
    }
    // Parents left marked by an interrupted cleanup (their children are already gone).
    if (pendingDelete) await this.connection.run(`DELETE FROM ${SCHEMA}.files WHERE pending_delete`);

    const generation = this.generation ?? new StagingGeneration(SCHEMA, this.nextGeneration++);
    this.generation = generation;
    const byIncrement = new Map<number, string[]>();
    for (const id of existingIds) {
      const n = occurrences.get(id) ?? 1;
      byIncrement.set(n, [...(byIncrement.get(n) ?? []), id]);
    }
    for (const [n, group] of byIncrement) {
      generation.updates.push(
        `UPDATE ${SCHEMA}.files SET inspection_count = inspection_count + ${n}, last_inspected = ${sqlTimestamp(now)}
         WHERE file_id IN (${sqlList(group)})`,
      );
    }
    const fresh = unique.filter((r) => !existingIds.has(r.file.file_id));
    for (const r of fresh) {
      const n = occurrences.get(r.file.file_id) ?? 1;
      if (n > 1) r.file = { ...r.file, inspection_count: r.file.inspection_count + n - 1 };
    }
    try {
      await generation.append(this.connection, fresh);
    } catch (err) {
      // Nothing of the generation is committed yet: drop it whole, like a failed commit.
      this.generation = null;
      await this.dropTables(generation);
      throw err;
    }
    for (const r of unique) generation.ids.add(r.file.file_id);
    // An idle writer takes a generation early, at a quarter of the buffer (the scan's first files then commit
    // while the next are staged); a busy one lets it grow to the full buffer (cheaper per file).
    const early = !this.writerBusy && generation.ids.size * 4 >= this.writeBuffer;
    if (generation.ids.size >= this.writeBuffer || early) {
      await this.seal();
      if (this.writeBuffer === 0) await this.drain();
    }
    return existingIds;
  }

  /** Commits everything staged so far and waits for it; throws a failed commit's error. */
  async flush(): Promise<void> {
    await this.seal();
    await this.drain();
  }

  /** Hands the filling generation to the writer, once the previous one is committed (bounded memory). */
  private async seal(): Promise<void> {
    const generation = this.generation;
    if (!generation) return;
    this.generation = null;
    await this.committing;
    for (const id of generation.ids) this.sealedIds.add(id);
    this.writerBusy = true;
    this.committing = this.commit(generation)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        for (const id of generation.ids) this.sealedIds.delete(id);
        this.writerBusy = false;
      });
  }

  private async drain(): Promise<void> {
    await this.committing;
    this.throwFailure();
  }

  private throwFailure(): void {
    const failure = this.failure;
    if (!failure) return;
    this.failure = null;
    throw failure.error;
  }

  private async commit(generation: StagingGeneration): Promise<void> {
    try {
      await this.writer.run("BEGIN TRANSACTION");
      try {
        for (const sql of generation.writeStatements()) await this.writer.run(sql);
        await this.writer.run("COMMIT");
      } catch (err) {
        await this.writer.run("ROLLBACK");
        throw err;
      }
    } finally {
      await this.dropTables(generation);
    }
  }

  private async dropTables(generation: StagingGeneration): Promise<void> {
    for (const sql of generation.dropStatements()) await this.writer.run(sql);
  }
}
