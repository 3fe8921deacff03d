import { Field, Int32 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { type CatalogState, emptyCatalog, getSchema, getTable } from "../../../src/vast/emulator/catalog.js";
import { EmulatorError } from "../../../src/vast/emulator/errors.js";
import { TransactionManager } from "../../../src/vast/emulator/transactions.js";

const a = new Field("a", new Int32(), true);

function manager(clock = { t: 0 }) {
  const commits: CatalogState[] = [];
  const txm = new TransactionManager(
    emptyCatalog(["b"]),
    { nextTableId: 1, rowIds: new Map() },
    (state) => {
      commits.push(state);
    },
    1000,
    () => clock.t,
  );
  return { txm, commits, clock };
}

function withTable(txm: TransactionManager) {
  const tx = txm.begin();
  const id = txm.allocateTableId();
  txm.apply(tx, (w) => w.createSchema("b", "s", ""));
  txm.apply(tx, (w) => w.createTable("b", "s", { id, name: "t", fields: [a], rowIds: [], columns: [[]] }));
  return { tx, id };
}

const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmulatorError) return err.status;
    throw err;
  }
  return 200;
};

describe("transactions", () => {
  it("keeps uncommitted changes private and publishes them on commit", async () => {
    const { txm, commits } = manager();
    const { tx } = withTable(txm);
    const other = txm.begin();
    expect(status(() => getSchema(other.writer.state, "b", "s"))).toBe(404);
    await txm.commit(tx.id);
    expect(commits).toHaveLength(1);
    expect(status(() => getSchema(other.writer.state, "b", "s"))).toBe(404);
    expect(getTable(txm.begin().writer.state, "b", "s", "t").fields.map((f) => f.name)).toEqual(["a"]);
  });

  it("replays concurrent inserts on commit, merging rows in row-id order", async () => {
    const { txm } = manager();
    await txm.commit(withTable(txm).tx.id);
    const t = getTable(txm.state, "b", "s", "t");
    const first = txm.begin();
    const second = txm.begin();
    const ids1 = txm.allocateRowIds(t.id, 2);
    const ids2 = txm.allocateRowIds(t.id, 1);
    txm.apply(first, (w) => w.insertRows("b", "s", "t", ids1, [a], [[1, 2]]));
    txm.apply(second, (w) => w.insertRows("b", "s", "t", ids2, [a], [[3]]));
    await txm.commit(second.id);
    await txm.commit(first.id);
    const after = getTable(txm.state, "b", "s", "t");
    expect(after.rowIds).toEqual([0, 1, 2]);
    expect(after.columns[0]).toEqual([1, 2, 3]);
  });

  it("answers 409 to DDL on an object another live transaction changed, and dooms the loser", async () => {
    const { txm } = manager();
    await txm.commit(withTable(txm).tx.id);
    const t1 = txm.begin();
    const t2 = txm.begin();
    txm.claimDdl(t1, ["table:b/s/t"]);
    txm.apply(t1, (w) => w.renameColumn("b", "s", "t", "a", "aa"));
    expect(status(() => txm.claimDdl(t2, ["table:b/s/t"]))).toBe(409);
    await expect(txm.commit(t2.id)).rejects.toMatchObject({ status: 409 });
    await txm.commit(t1.id);
    expect(getTable(txm.state, "b", "s", "t").fields[0]!.name).toBe("aa");
  });

  it("makes a commit whose replay no longer applies a 409", async () => {
    const { txm } = manager();
    await txm.commit(withTable(txm).tx.id);
    const dropper = txm.begin();
    const writer = txm.begin();
    txm.apply(writer, (w) => w.insertRows("b", "s", "t", [0], [a], [[7]]));
    txm.apply(dropper, (w) => w.dropTable("b", "s", "t"));
    await txm.commit(dropper.id);
    await expect(txm.commit(writer.id)).rejects.toMatchObject({ status: 409 });
  });

  it("rolls back an idle transaction that blocks someone else's DDL", async () => {
    const { txm, clock } = manager();
    await txm.commit(withTable(txm).tx.id);
    const stale = txm.begin();
    txm.claimDdl(stale, ["table:b/s/t"]);
    clock.t = 5000;
    const fresh = txm.begin();
    expect(status(() => txm.claimDdl(fresh, ["table:b/s/t"]))).toBe(200);
    expect(txm.has(stale.id)).toBe(false);
  });

  it("undoes everything on rollback", async () => {
    const { txm, commits } = manager();
    const { tx } = withTable(txm);
    txm.rollback(tx.id);
    expect(commits).toHaveLength(0);
    expect(status(() => getSchema(txm.state, "b", "s"))).toBe(404);
    expect(status(() => txm.get(tx.id))).toBe(404);
  });
});
