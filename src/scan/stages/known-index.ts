import { resolve } from "node:path";
import { normalizePath } from "../../catalog/normalize-path.js";
import type { CatalogStore, KnownPathStates } from "../../catalog/port.js";
import { isRemote } from "../../io/s3-uri.js";

/**
 * What a re-scan of local directories needs to skip unchanged files: the size and mtime of every catalogued path
 * under the scan's inputs, read once in one query and held as a map from path to row plus two number columns
 * (≈ 100 bytes per catalogued path under the inputs; nothing for a fresh catalog). Per-group lookups cost a
 * temporary table, an appender and a join per 1,024 paths.
 */
export class KnownIndex {
  private readonly rows = new Map<string, number>();

  private constructor(private readonly states: KnownPathStates) {
    for (let i = 0; i < states.paths.length; i++) this.rows.set(states.paths[i]!, i);
  }

  /**
   * The index for these inputs, or null when it does not apply (stdin lists, objects, a store without the
   * bulk read): the scan then looks paths up group by group.
   */
  static async load(store: CatalogStore, inputs: string[], cwd: string): Promise<KnownIndex | null> {
    if (!store.knownStatesUnder || inputs.some((i) => i === "-" || isRemote(i))) return null;
    const roots = [...new Set(inputs.map((i) => normalizePath(resolve(cwd, i), cwd)))];
    return new KnownIndex(await store.knownStatesUnder(roots));
  }

  get size(): number {
    return this.rows.size;
  }

  /** True when `normalized` is catalogued (under the inputs). */
  has(normalized: string): boolean {
    return this.rows.has(normalized);
  }

  /** True when `path` is catalogued with this size and mtime (epoch ms, to the millisecond). */
  unchanged(normalized: string, size: number, mtimeMs: number): boolean {
    const i = this.rows.get(normalized);
    if (i === undefined) return false;
    return this.states.sizes[i] === size && Math.abs(this.states.mtimesMs[i]! - mtimeMs) < 1;
  }
}
