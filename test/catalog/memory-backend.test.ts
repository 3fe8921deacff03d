/**
 * The proof that the port is the seam: a third backend (rows kept in memory), written here against the catalog
 * domain only, registered with the backend registry, passes the same contract suite as DuckDB and VAST.
 */

import { currentFirst } from "../../src/catalog/current-version.js";
import { openCatalog, registerCatalogBackend } from "../../src/catalog/open.js";
import type { CatalogOptions } from "../../src/catalog/open-options.js";
import { pixelStatsByFile, pixelStatsToRestore } from "../../src/catalog/pixel-stats.js";
import type {
  CatalogStore,
  CleanupResult,
  KnownFileState,
  QueryResult,
  SimilarHit,
  TableCounts,
  UpsertOutcome,
} from "../../src/catalog/port.js";
import { inRecordOrder } from "../../src/catalog/record-order.js";
import type { CatalogRecord, PixelStatsSet, ValidationResultRow } from "../../src/catalog/rows.js";
import { nearestFiles } from "../../src/catalog/similarity.js";
import { withMirror } from "../../src/catalog/sql-engine/mirror.js";
import {
  readBackup,
  readBackupPixelStats,
  readBackupVerdicts,
} from "../../src/catalog/sql-engine/read-backup.js";
import { runReadOnly } from "../../src/catalog/sql-engine/read-only-query.js";
import { writeBackup } from "../../src/catalog/sql-engine/write-backup.js";
import { CHILD_TABLES } from "../../src/catalog/tables.js";
import { dedupeBatch, upsertOutcomes } from "../../src/catalog/upsert-batch.js";
import { setsToRestore, type VerdictSet, verdictSets } from "../../src/catalog/validation-results.js";
import { describeCatalogContract } from "./contract.js";

class MemoryCatalogStore implements CatalogStore {
  readonly backend = "memory";
  readonly location = "memory:";
  readonly #files = new Map<string, CatalogRecord>();
  /** Verdicts by (file_id, policy_id). */
  readonly #verdicts = new Map<string, VerdictSet>();
  /** Pixel statistics by file_id. */
  readonly #stats = new Map<string, PixelStatsSet>();

  async init(): Promise<void> {}

  async upsertBatch(records: CatalogRecord[], now: Date = new Date()): Promise<UpsertOutcome[]> {
    const { unique, occurrences } = dedupeBatch(records);
    const fresh = new Set<string>();
    for (const r of unique) {
      const n = occurrences.get(r.file.file_id) ?? 1;
      const known = this.#files.get(r.file.file_id);
      if (known) {
        known.file = {
          ...known.file,
          inspection_count: known.file.inspection_count + n,
          last_inspected: now,
        };
      } else {
        fresh.add(r.file.file_id);
        this.#files.set(r.file.file_id, {
          file: { ...r.file, inspection_count: r.file.inspection_count + n - 1 },
          parts: [...r.parts],
          channels: [...r.channels],
          attributes: [...r.attributes],
        });
      }
    }
    return upsertOutcomes(records, (id) => fresh.has(id));
  }

  async knownState(paths: string[]): Promise<Map<string, KnownFileState>> {
    const wanted = new Set(paths);
    const out = new Map<string, KnownFileState>();
    for (const { file } of [...this.#files.values()].sort((a, b) => currentFirst(a.file, b.file))) {
      if (!wanted.has(file.file_path_normalized) || out.has(file.file_path_normalized)) continue;
      out.set(file.file_path_normalized, {
        file_path_normalized: file.file_path_normalized,
        file_id: file.file_id,
        size_bytes: file.size_bytes,
        mtime: file.mtime?.toISOString() ?? null,
        etag: file.etag ?? null,
      });
    }
    return out;
  }

  async similar(
    query: { file_id: string } | { embedding: Float32Array | number[] },
    k: number,
  ): Promise<SimilarHit[]> {
    return nearestFiles(
      [...this.#files.values()].map((r) => r.file),
      query,
      k,
    );
  }

  async getRecord(file_id: string): Promise<CatalogRecord | null> {
    const r = this.#files.get(file_id);
    return r ? inRecordOrder(r) : null;
  }

  async counts(): Promise<TableCounts> {
    const all = [...this.#files.values()];
    const count = (table: (typeof CHILD_TABLES)[number]) => all.reduce((n, r) => n + r[table].length, 0);
    return {
      files: all.length,
      parts: count("parts"),
      channels: count("channels"),
      attributes: count("attributes"),
    };
  }

  #rows() {
    const all = [...this.#files.values()];
    return {
      files: all.map((r) => ({ ...r.file })),
      parts: all.flatMap((r) => r.parts.map((row) => ({ ...row }))),
      channels: all.flatMap((r) => r.channels.map((row) => ({ ...row }))),
      attributes: all.flatMap((r) => r.attributes.map((row) => ({ ...row }))),
      validation_results: [...this.#verdicts.values()].flatMap((set) => set.rows.map((row) => ({ ...row }))),
      stats: [...this.#stats.values()].flatMap((set) => set.stats.map((row) => ({ ...row }))),
      part_stats: [...this.#stats.values()].flatMap((set) => set.parts.map((row) => ({ ...row }))),
    };
  }

  async putValidationResults(rows: ValidationResultRow[]): Promise<void> {
    for (const [key, set] of verdictSets(rows)) this.#verdicts.set(key, set);
  }

  async putPixelStats(sets: PixelStatsSet[]): Promise<void> {
    for (const [id, set] of pixelStatsByFile(sets)) this.#stats.set(id, set);
  }

  async filesWithPixelStats(fileIds: string[]): Promise<Set<string>> {
    return new Set(fileIds.filter((id) => this.#stats.has(id)));
  }

  query(sql: string): Promise<QueryResult> {
    return withMirror(this.#rows(), (connection) => runReadOnly(connection, sql));
  }

  async cleanup(cutoff: Date, dryRun: boolean): Promise<CleanupResult> {
    const old = [...this.#files.values()].filter((r) => r.file.last_inspected.getTime() < cutoff.getTime());
    const result = { files: old.length, parts: 0, channels: 0, attributes: 0 };
    for (const table of CHILD_TABLES) result[table] = old.reduce((n, r) => n + r[table].length, 0);
    if (dryRun) return result;
    for (const r of old) this.#files.delete(r.file.file_id);
    for (const [key, set] of this.#verdicts) if (!this.#files.has(set.file_id)) this.#verdicts.delete(key);
    for (const id of this.#stats.keys()) if (!this.#files.has(id)) this.#stats.delete(id);
    return result;
  }

  exportTo(dir: string): Promise<void> {
    // Every table as one page.
    const pages = Object.fromEntries(
      Object.entries(this.#rows()).map(([table, rows]) => [
        table,
        async function* () {
          yield rows as Record<string, unknown>[];
        },
      ]),
    );
    return writeBackup(dir, pages);
  }

  async importFrom(dir: string): Promise<void> {
    for (const r of await readBackup(dir))
      if (!this.#files.has(r.file.file_id)) this.#files.set(r.file.file_id, r);
    const stored = [...this.#verdicts.values()];
    await this.putValidationResults(setsToRestore(await readBackupVerdicts(dir), stored));
    const statsFiles = new Set(this.#stats.keys());
    await this.putPixelStats(pixelStatsToRestore(await readBackupPixelStats(dir), statsFiles));
  }

  async close(): Promise<void> {}
}

registerCatalogBackend("memory", async (_options: CatalogOptions) => new MemoryCatalogStore());

describeCatalogContract("memory (a backend written in a test)", () => openCatalog({ backend: "memory" }));
