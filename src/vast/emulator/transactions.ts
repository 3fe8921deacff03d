/**
 * Transactions: each one works on its own copy-on-write snapshot of the committed catalog and records its
 * mutations. Commit publishes the snapshot when nothing else committed meanwhile, otherwise replays the
 * recorded mutations on the newer state (a mutation that no longer applies is a 409). Two live transactions
 * touching the same object with DDL conflict immediately (409), and the loser can only roll back.
 * Snapshot isolation also forbids lost updates: a transaction that updated or deleted a row which another
 * transaction updated or deleted and committed after this one's snapshot cannot commit (409, first committer wins).
 */
import { type CatalogState, CatalogWriter } from "./catalog.js";
import { conflict, EmulatorError, notFound } from "./errors.js";

export type Mutation = (w: CatalogWriter) => void;

export interface Transaction {
  id: bigint;
  baseVersion: number;
  writer: CatalogWriter;
  mutations: Mutation[];
  ddlKeys: Set<string>;
  /** Rows this transaction updated or deleted (`tableId:rowId`). */
  rowWrites: Set<string>;
  /** Set after a conflict: the transaction can no longer commit. */
  doomed: string | null;
  /** Last time (ms since epoch) a request used this transaction. */
  lastUsed: number;
}

export type CommitListener = (state: CatalogState, version: number) => void | Promise<void>;

export class TransactionManager {
  private committed: CatalogState;
  private version = 0;
  private nextTxid: bigint;
  private readonly live = new Map<bigint, Transaction>();
  /** Allocated row ids per table handle; never reused, so replays keep ids unique. */
  private readonly rowIdCounters = new Map<number, number>();
  private nextTableId: number;
  /** Rows updated or deleted by each commit still newer than some live transaction's snapshot. */
  private readonly recentRowWrites: { version: number; rows: Set<string> }[] = [];

  constructor(
    initial: CatalogState,
    counters: { nextTableId: number; rowIds: Map<number, number>; nextTxid?: bigint },
    private readonly onCommit: CommitListener,
    /** A transaction idle this long no longer blocks others' DDL: it is rolled back when it would. */
    private readonly idleTimeoutMs = 600_000,
    private readonly now: () => number = Date.now,
  ) {
    this.committed = initial;
    this.nextTableId = counters.nextTableId;
    for (const [k, v] of counters.rowIds) this.rowIdCounters.set(k, v);
    this.nextTxid = counters.nextTxid ?? 0x1000n;
  }

  get state(): CatalogState {
    return this.committed;
  }

  get counters(): { nextTableId: number; rowIds: Map<number, number> } {
    return { nextTableId: this.nextTableId, rowIds: new Map(this.rowIdCounters) };
  }

  begin(): Transaction {
    const tx: Transaction = {
      id: this.nextTxid++,
      baseVersion: this.version,
      writer: new CatalogWriter(this.committed),
      mutations: [],
      ddlKeys: new Set(),
      rowWrites: new Set(),
      doomed: null,
      lastUsed: this.now(),
    };
    this.live.set(tx.id, tx);
    return tx;
  }

  get(id: bigint): Transaction {
    const tx = this.live.get(id);
    if (!tx) throw notFound("TabularTransactionNotFound", `transaction ${id} is not active`);
    tx.lastUsed = this.now();
    return tx;
  }

  has(id: bigint): boolean {
    return this.live.has(id);
  }

  allocateTableId(): number {
    return this.nextTableId++;
  }

  allocateRowIds(tableId: number, count: number): number[] {
    const start = this.rowIdCounters.get(tableId) ?? 0;
    this.rowIdCounters.set(tableId, start + count);
    return Array.from({ length: count }, (_, i) => start + i);
  }

  /** Claims DDL keys for `tx`; a key held by another live transaction is a conflict that dooms `tx`. */
  claimDdl(tx: Transaction, keys: readonly string[]): void {
    for (const key of keys) {
      for (const other of [...this.live.values()]) {
        if (other !== tx && other.ddlKeys.has(key) && this.now() - other.lastUsed > this.idleTimeoutMs) {
          this.live.delete(other.id);
          continue;
        }
        if (other !== tx && other.ddlKeys.has(key)) {
          tx.doomed = `conflicting DDL on ${key} with transaction ${other.id}`;
          throw conflict(`${tx.doomed}`);
        }
      }
    }
    for (const key of keys) tx.ddlKeys.add(key);
  }

  /**
   * Applies a mutation to the transaction's snapshot and records it for a possible replay; `rowWrites` names the
   * existing rows it updates or deletes (`tableId:rowId`).
   */
  apply(tx: Transaction, mutation: Mutation, rowWrites: readonly string[] = []): void {
    if (tx.doomed) throw conflict(`transaction ${tx.id} was aborted: ${tx.doomed}`);
    mutation(tx.writer);
    tx.mutations.push(mutation);
    for (const key of rowWrites) tx.rowWrites.add(key);
  }

  async commit(id: bigint): Promise<void> {
    const tx = this.get(id);
    this.live.delete(id);
    if (tx.doomed) throw conflict(`transaction ${id} was aborted: ${tx.doomed}`);
    if (tx.mutations.length === 0) return;
    if (tx.baseVersion === this.version) {
      this.committed = tx.writer.state;
    } else {
      for (const later of this.recentRowWrites) {
        if (later.version <= tx.baseVersion) continue;
        for (const key of tx.rowWrites) {
          if (later.rows.has(key)) {
            throw conflict(
              `transaction ${id} wrote row ${key} that a concurrent transaction changed and committed first`,
            );
          }
        }
      }
      const w = new CatalogWriter(this.committed);
      try {
        for (const m of tx.mutations) m(w);
      } catch (err) {
        if (err instanceof EmulatorError)
          throw conflict(`transaction ${id} conflicts with a concurrent commit: ${err.message}`);
        throw err;
      }
      this.committed = w.state;
    }
    this.version++;
    if (tx.rowWrites.size > 0) this.recentRowWrites.push({ version: this.version, rows: tx.rowWrites });
    this.forgetOldRowWrites();
    await this.onCommit(this.committed, this.version);
  }

  rollback(id: bigint): void {
    this.get(id);
    this.live.delete(id);
    this.forgetOldRowWrites();
  }

  /** Drops the row writes no live transaction's snapshot predates (no commit can conflict with them any more). */
  private forgetOldRowWrites(): void {
    let oldest = this.version;
    for (const tx of this.live.values()) oldest = Math.min(oldest, tx.baseVersion);
    while (this.recentRowWrites.length > 0 && this.recentRowWrites[0]!.version <= oldest)
      this.recentRowWrites.shift();
  }

  /** Runs a single request outside an explicit transaction (txid 0) as its own auto-committed transaction. */
  async autoCommit<T>(work: (tx: Transaction) => T): Promise<T> {
    const tx = this.begin();
    try {
      const out = work(tx);
      await this.commit(tx.id);
      return out;
    } catch (err) {
      if (this.live.has(tx.id)) this.rollback(tx.id);
      throw err;
    }
  }
}
