import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { holderNotePath, lockConflictMessage } from "../../src/cli/catalog-holder.js";
import { removeTempDirs, tempDir } from "./helpers.js";

afterAll(() => removeTempDirs());

describe("lock conflict message", () => {
  const lockError = new Error(
    'IO Error: Could not set lock on file "x": Conflicting lock is held in node (PID 4242)',
  );

  it("names the scan holding the catalog, its progress and the time left", () => {
    const db = join(tempDir(), "c.duckdb");
    const started = new Date(Date.now() - 100_000).toISOString();
    const note = {
      pid: process.pid,
      command: "exr-inspector scan /shows",
      started,
      done: 50,
      found: 100,
      walkDone: true,
      updated: new Date().toISOString(),
    };
    writeFileSync(holderNotePath(db), JSON.stringify(note));
    const message = lockConflictMessage(db, lockError);
    expect(message).toContain(
      `held by a running scan (PID ${process.pid}, started ${started.slice(0, 19).replace("T", " ")} UTC, 50 of 100 files done`,
    );
    expect(message).toMatch(/about 2 min left: exr-inspector scan \/shows\)/);
  });

  it("without a live note, still says another process holds it (with DuckDB's PID)", () => {
    const db = join(tempDir(), "d.duckdb");
    writeFileSync(
      holderNotePath(db),
      JSON.stringify({ pid: 2 ** 22 + 12345, command: "x", started: new Date().toISOString() }),
    );
    expect(lockConflictMessage(db, lockError)).toMatch(/is locked by another process \(PID 4242\)/);
  });
});
