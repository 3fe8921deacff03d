/**
 * Every read has a timeout, also the ones the CLI makes on its main thread (runs of a few files, `scan -j 0`):
 * a file whose reads never return (a hung network mount, here a FUSE file system that never answers) is
 * reported with EXR_IO_ERROR after --read-timeout, the other files are inspected, and the command ends
 * (exit 137: Node cannot exit normally while a thread is stuck in the kernel). Before, these commands hung.
 */
import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectFile } from "../../src/inspect/inspect.js";
import { ensureBuilt, CLI as MAIN, ndjson, removeTempDirs, tempDir, writeSamples } from "../cli/helpers.js";
import { canMountFuse, mountStallingFs, type StallingMount } from "./stalling-mount.js";

let mountpoint: string;
let mount: StallingMount | null = null;
let sample: string;

beforeAll(async () => {
  if (!canMountFuse) return;
  ensureBuilt();
  const { dir, names } = writeSamples();
  sample = join(dir, names[0]!);
  mount = await mountStallingFs(tempDir(), [
    { name: "good.exr", source: sample },
    { name: "stalled-read.exr", source: sample, stall: "read" },
    { name: "stalled-open.exr", source: sample, stall: "open" },
    // No .exr suffix: directory walks pass it by, only the tests naming it reach it.
    { name: "stalled-lookup", source: sample, stall: "lookup" },
    { name: "stalled-lookup-2", source: sample, stall: "lookup" },
    { name: "stalled-lookup-3", source: sample, stall: "lookup" },
  ]);
  mountpoint = mount.mountpoint;
}, 30_000);

afterAll(() => {
  // Killing the server aborts the connection: every request still pending fails, then the mount can go.
  mount?.stop();
  removeTempDirs();
});

/** The built CLI, killed if it is still running after `limitMs` (what a hang looks like). */
function cli(args: string[], limitMs = 30_000) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    timeout: limitMs,
    killSignal: "SIGKILL",
  });
  return { ...r, hung: r.error !== undefined, ms: Date.now() - started };
}

describe.skipIf(!canMountFuse)("reads that never return (a hung mount)", () => {
  it("the library's async inspection gives up after readTimeoutMs with EXR_IO_ERROR", async () => {
    const stalled = await inspectFile(join(mountpoint, "stalled-read.exr"), {
      io: "async",
      readTimeoutMs: 300,
    });
    expect(stalled.validation.findings.map((f) => [f.code, f.message])).toEqual([
      ["EXR_IO_ERROR", expect.stringMatching(/read of .*stalled-read\.exr at 0 timed out after 0\.3 s/)],
    ]);
    expect(stalled.file.is_complete).toBe(false);
    const opening = await inspectFile(join(mountpoint, "stalled-open.exr"), {
      io: "async",
      readTimeoutMs: 300,
    });
    expect(opening.validation.findings[0]!.message).toMatch(/opening .*stalled-open\.exr timed out/);
    const good = await inspectFile(join(mountpoint, "good.exr"), { io: "async", readTimeoutMs: 300 });
    expect(good.validation.status).toBe("ok");
    expect(good.file.is_complete).toBe(true);
  });

  it("inspect of a few files (main thread) reports the stalled one, prints the others, and ends", () => {
    const r = cli([
      "inspect",
      "--format",
      "ndjson",
      "--read-timeout",
      "1",
      join(mountpoint, "stalled-read.exr"),
      join(mountpoint, "good.exr"),
      sample,
    ]);
    expect(r.hung, "the command did not end within 30 s").toBe(false);
    const docs = ndjson(r.stdout);
    expect(docs.map((d) => d.file.path)).toEqual([
      join(mountpoint, "stalled-read.exr"),
      join(mountpoint, "good.exr"),
      sample,
    ]);
    expect(docs[0].validation.findings).toEqual([
      expect.objectContaining({
        code: "EXR_IO_ERROR",
        message: expect.stringMatching(/timed out after 1 s/),
      }),
    ]);
    // The same file read from the mount and from disk gives the same result.
    expect(docs[1].validation).toEqual(docs[2].validation);
    expect(docs[1].file.is_complete).toBe(true);
    expect(r.signal).toBe("SIGKILL"); // exit status 137, see docs/codes.md
    expect(r.stderr).toMatch(/1 read\(s\) never returned .*exit 137/);
  }, 60_000);

  it("validate of the mounted directory reports both stalled files (open and read) and ends", () => {
    const r = cli(["validate", "--read-timeout", "1", "--summary", mountpoint]);
    expect(r.hung, "the command did not end within 30 s").toBe(false);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toEqual([
      `${join(mountpoint, "good.exr")}: OK`,
      expect.stringMatching(
        /stalled-open\.exr: ERROR \(incomplete\) — error EXR_IO_ERROR: .*opening .* timed out/,
      ),
      expect.stringMatching(
        /stalled-read\.exr: ERROR \(incomplete\) — error EXR_IO_ERROR: .*read of .* timed out/,
      ),
    ]);
    expect(r.signal).toBe("SIGKILL");
  }, 60_000);

  it("scan -j 0 stores every file, the stalled ones as error rows, and ends", () => {
    const db = join(tempDir(), "c.duckdb");
    const r = cli(["scan", "--db", db, "-j", "0", "--read-timeout", "1", "--no-progress", mountpoint]);
    expect(r.hung, "the command did not end within 30 s").toBe(false);
    expect(r.stdout).toMatch(/inspected\s+3 /);
    expect(r.signal).toBe("SIGKILL");
    const rows = cli([
      "sql",
      "--db",
      db,
      "--format",
      "json",
      "SELECT file_path, error_codes FROM files ORDER BY file_path",
    ]);
    expect(rows.status, rows.stderr).toBe(0);
    expect(JSON.parse(rows.stdout)).toEqual([
      { file_path: join(mountpoint, "good.exr"), error_codes: null },
      { file_path: join(mountpoint, "stalled-open.exr"), error_codes: ["EXR_IO_ERROR"] },
      { file_path: join(mountpoint, "stalled-read.exr"), error_codes: ["EXR_IO_ERROR"] },
    ]);
  }, 60_000);

  it("a path whose very lookup hangs (its stat never returns) is reported by validate, which ends", () => {
    const stalled = join(mountpoint, "stalled-lookup");
    const v = cli(["validate", "--read-timeout", "1", "--summary", stalled, join(mountpoint, "good.exr")]);
    expect(v.hung, "validate did not end within 30 s").toBe(false);
    expect(v.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/stalled-lookup: ERROR \(incomplete\) — error EXR_IO_ERROR: .*timed out/),
      `${join(mountpoint, "good.exr")}: OK`,
    ]);
  }, 90_000);

  it("scan of paths whose lookup hangs records them as error rows, stores the rest, and ends", () => {
    // Each abandoned lookup keeps a libuv pool thread until the process ends; with libuv's default pool of 4 the
    // scan's stats and opens of three such paths used them all and DuckDB's work never ran (the command hung).
    // The launcher (dist/cli/launch.cjs, the package's bin) sizes the pool before Node starts it.
    const db = join(tempDir(), "lookup.duckdb");
    const stalled = ["stalled-lookup", "stalled-lookup-2", "stalled-lookup-3"].map((n) =>
      join(mountpoint, n),
    );
    const good = join(mountpoint, "good.exr");
    const r = cli(["scan", "--db", db, "--read-timeout", "1", "--no-progress", ...stalled, good]);
    expect(r.hung, "scan did not end within 30 s").toBe(false);
    expect(r.signal).toBe("SIGKILL"); // exit status 137: a read never returned
    expect(r.stderr).toMatch(/never returned .*exit 137/);
    const rows = cli([
      "sql",
      "--db",
      db,
      "--format",
      "json",
      "SELECT file_path, error_codes FROM files ORDER BY file_path",
    ]);
    expect(rows.status, rows.stderr).toBe(0);
    const stored = JSON.parse(rows.stdout) as { file_path: string; error_codes: string[] | null }[];
    // good.exr's own lookup may queue behind the stuck ones (FUSE serialises lookups in a directory): its row is
    // there either way, as a good file or as a timed-out read.
    expect(stored.map((row) => row.file_path)).toEqual([good, ...stalled]);
    for (const row of stored.slice(1)) expect(row.error_codes).toEqual(["EXR_IO_ERROR"]);
  }, 90_000);

  it("a copy of the sample off the mount is unaffected (control)", () => {
    const copy = join(tempDir(), "copy.exr");
    cpSync(sample, copy);
    const r = cli(["validate", "--read-timeout", "1", copy]);
    expect(r.status).toBe(0);
  });
});
