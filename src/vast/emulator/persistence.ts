import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Field, makeData, RecordBatch, Schema, Struct, Uint64 } from "apache-arrow";
import { decodeIpcStream, encodeIpcStream } from "../protocol/arrow-ipc.js";
import { ROW_ID_COLUMN } from "../protocol/headers.js";
import type { BucketState, CatalogState, SchemaState, TableState } from "./catalog.js";
import { buildData, type Cell, readCells } from "./cells.js";
import { writeAtomically } from "./write-atomically.js";

const FORMAT_VERSION = 1;
const CHUNK_ROWS = 1 << 16;

interface TableEntry {
  id: number;
  name: string;
  file: string;
  externalRowIds?: boolean;
}
interface CatalogFile {
  format: number;
  nextTableId: number;
  rowIdCounters: Record<string, number>;
  buckets: { name: string; schemas: { name: string; properties: string; tables: TableEntry[] }[] }[];
}

export interface LoadedCatalog {
  state: CatalogState;
  counters: { nextTableId: number; rowIds: Map<number, number> };
}

function encodeTable(t: TableState): Uint8Array {
  const rowIdField = new Field(ROW_ID_COLUMN, new Uint64(), false);
  const fields = [rowIdField, ...t.fields];
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  for (let start = 0; start < t.rowIds.length || (start === 0 && batches.length === 0); start += CHUNK_ROWS) {
    const end = Math.min(t.rowIds.length, start + CHUNK_ROWS);
    const children = [
      buildData(rowIdField.type, t.rowIds.slice(start, end)),
      ...t.fields.map((f, c) => buildData(f.type, t.columns[c]!.slice(start, end))),
    ];
    batches.push(
      new RecordBatch(schema, makeData({ type: new Struct(fields), length: end - start, children })),
    );
    if (end >= t.rowIds.length) break;
  }
  return encodeIpcStream(schema, batches);
}

function decodeTable(entry: TableEntry, bytes: Uint8Array): TableState {
  const { schema, batches } = decodeIpcStream(bytes);
  const [rowIdField, ...fields] = schema.fields;
  if (rowIdField?.name !== ROW_ID_COLUMN)
    throw new Error(`${entry.file}: first column is not ${ROW_ID_COLUMN}`);
  const rowIds: number[] = [];
  const columns: Cell[][] = fields.map(() => []);
  for (const batch of batches) {
    for (const id of readCells(batch.data.children[0]!)) rowIds.push(Number(id));
    fields.forEach((_, c) => {
      for (const cell of readCells(batch.data.children[c + 1]!)) columns[c]!.push(cell);
    });
  }
  return {
    id: entry.id,
    name: entry.name,
    fields,
    rowIds,
    columns,
    externalRowIds: entry.externalRowIds === true,
  };
}

export class Persistence {
  private readonly written = new WeakMap<TableState, string>();
  private queue: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(private readonly dir: string) {}

  private get tablesDir(): string {
    return join(this.dir, "tables");
  }

  async load(declaredBuckets: readonly string[]): Promise<LoadedCatalog | null> {
    await mkdir(this.tablesDir, { recursive: true });
    let text: string;
    try {
      text = await readFile(join(this.dir, "catalog.json"), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const file = JSON.parse(text) as CatalogFile;
    if (file.format !== FORMAT_VERSION) throw new Error(`unsupported catalog format ${file.format}`);
    const buckets = new Map<string, BucketState>();
    for (const b of file.buckets) {
      const schemas = new Map<string, SchemaState>();
      for (const s of b.schemas) {
        const tables = new Map<string, TableState>();
        for (const entry of s.tables) {
          const t = decodeTable(entry, await readFile(join(this.tablesDir, entry.file)));
          this.written.set(t, entry.file);
          tables.set(t.name, t);
        }
        schemas.set(s.name, { name: s.name, properties: s.properties, tables });
      }
      buckets.set(b.name, { name: b.name, schemas });
    }
    for (const name of declaredBuckets)
      if (!buckets.has(name)) buckets.set(name, { name, schemas: new Map() });
    return {
      state: { buckets },
      counters: {
        nextTableId: file.nextTableId,
        rowIds: new Map(Object.entries(file.rowIdCounters).map(([k, v]) => [Number(k), v])),
      },
    };
  }

  /** Serialized: saves run one after another in commit order. */
  save(state: CatalogState, counters: { nextTableId: number; rowIds: Map<number, number> }): Promise<void> {
    const run = this.queue.then(() => this.write(state, counters));
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(state: CatalogState, counters: { nextTableId: number; rowIds: Map<number, number> }) {
    const gen = ++this.generation;
    await mkdir(this.tablesDir, { recursive: true });
    const file: CatalogFile = {
      format: FORMAT_VERSION,
      nextTableId: counters.nextTableId,
      rowIdCounters: Object.fromEntries([...counters.rowIds].map(([k, v]) => [String(k), v])),
      buckets: [],
    };
    const live = new Set<string>();
    for (const b of state.buckets.values()) {
      const schemas: CatalogFile["buckets"][number]["schemas"] = [];
      for (const s of b.schemas.values()) {
        const tables: TableEntry[] = [];
        for (const t of s.tables.values()) {
          let name = this.written.get(t);
          if (!name) {
            name = `t${t.id}-${Date.now().toString(36)}-${gen}.arrow`;
            await writeAtomically(join(this.tablesDir, name), encodeTable(t));
            this.written.set(t, name);
          }
          live.add(name);
          tables.push({ id: t.id, name: t.name, file: name, externalRowIds: t.externalRowIds === true });
        }
        schemas.push({ name: s.name, properties: s.properties, tables });
      }
      file.buckets.push({ name: b.name, schemas });
    }
    await writeAtomically(join(this.dir, "catalog.json"), `${JSON.stringify(file, null, 1)}\n`);
    for (const f of await readdir(this.tablesDir))
      if (!live.has(f)) await rm(join(this.tablesDir, f), { force: true });
  }
}
