/**
 * Commands say what happened and exit accordingly: nothing is created, overwritten or deleted silently, unknown
 * ids are errors, and a catalog held by a running scan is explained (runtime failure, exit 3), not DuckDB's raw
 * "Could not set lock".
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli, sqlJson } from "../catalog/run-cli.js";
import { ensureBuilt, removeTempDirs, tempDir, writeSamples } from "./helpers.js";

let dir: string;
let samples: string;
let db: string;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir("exr-honest-");
  samples = writeSamples().dir;
  db = join(dir, "cat.duckdb");
  const r = await runCli(["scan", "--db", db, "--no-progress", "-j", "0", samples]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => removeTempDirs());

const fileCount = async (database: string) =>
  Number((await sqlJson(database, "SELECT count(*) AS n FROM files"))[0]!.n);

describe("honest commands", () => {
  it("db init does not create missing directories", async () => {
    const target = join(dir, "no", "such", "x.duckdb");
    const r = await runCli(["db", "init", "--db", target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
    expect(existsSync(join(dir, "no"))).toBe(false);
  });

  it("sql on a catalog that does not exist says so", async () => {
    const r = await runCli(["sql", "--db", join(dir, "absent.duckdb"), "SELECT 1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no catalog at/);
    expect(existsSync(join(dir, "absent.duckdb"))).toBe(false);
  });

  it("import of a missing directory fails before any catalog is created", async () => {
    const target = join(dir, "import-target.duckdb");
    const r = await runCli(["import", "--db", target, join(dir, "no-export")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such directory/);
    expect(existsSync(target)).toBe(false);
  });

  it("export and generate refuse to overwrite without --force", async () => {
    const out = join(dir, "export");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "mine");
    const refused = await runCli(["export", "--db", db, out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--force/);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
    const forced = await runCli(["export", "--db", db, out, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(out)).toContain("files.parquet");

    const gen = join(dir, "gen");
    expect((await runCli(["generate", gen, "--sequences", "1", "--frames", "1"])).code).toBe(0);
    const again = await runCli(["generate", gen, "--sequences", "1", "--frames", "1"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--force/);
    expect((await runCli(["generate", gen, "--sequences", "1", "--frames", "1", "--force"])).code).toBe(0);
  }, 60_000);

  it("similar with an unknown file id is an error, not an empty table", async () => {
    const r = await runCli(["similar", "--db", db, "0".repeat(64)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no file with id 0{64}/);
    const short = await runCli(["similar", "--db", db, "0123456789abcdef"]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/0123456789abcdef: no such file, and not a 64-hex file_id/);
  });

  it("cleanup needs --yes off a terminal, and asks on one", async () => {
    const copy = join(dir, "cleanup.duckdb");
    expect((await runCli(["scan", "--db", copy, "--no-progress", "-j", "0", samples])).code).toBe(0);
    const n = await fileCount(copy);
    const refused = await runCli(["cleanup", "--db", copy, "--older-than", "0s"]);
    expect(refused.code).toBe(2);
    expect(await fileCount(copy)).toBe(n);
    const python = spawnSync("python3", ["-c", "import pty"]).status === 0;
    if (python) {
      // A real terminal (pty): answering "n" keeps everything, "y" removes.
      const onTty = (answer: string) =>
        spawnSync(
          "python3",
          [
            "-c",
            `import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while b"[y/N]" not in out:
    out += os.read(fd, 1024)
os.write(fd, sys.stdin.buffer.read())
try:
    while True:
        chunk = os.read(fd, 1024)
        if not chunk: break
        out += chunk
except OSError:
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))`,
            process.execPath,
            CLI,
            "cleanup",
            "--db",
            copy,
            "--older-than",
            "0s",
          ],
          { input: answer, encoding: "utf8", timeout: 60_000 },
        );
      const no = onTty("n\n");
      expect(no.stdout).toMatch(/remove \d+ files .*\? \[y\/N\]/);
      expect(no.stdout).toContain("nothing removed");
      expect(await fileCount(copy)).toBe(n);
      const yes = onTty("y\n");
      expect(yes.status).toBe(0);
      expect(yes.stdout).toContain(`removed ${n} files`);
      expect(await fileCount(copy)).toBe(0);
    }
  }, 120_000);

  it("while a scan holds the catalog, readers are told so (exit 3), not DuckDB's raw lock error", async () => {
    const held = join(dir, "held.duckdb");
    const scan: ChildProcess = spawn(process.execPath, [CLI, "scan", "--db", held, "--no-progress", "-"], {
      stdio: ["pipe", "ignore", "ignore"],
    });
    try {
      // The scan opens the catalog and then waits for paths on stdin.
      const deadline = Date.now() + 30_000;
      while (!existsSync(`${held}.scan.json`) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const r = await runCli(["sql", "--db", held, "SELECT 1"]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`held by a running scan \\(PID ${scan.pid}, started`));
      expect(r.stderr).not.toMatch(/Could not set lock/);
    } finally {
      const exited = new Promise((r) => scan.once("exit", r));
      scan.kill("SIGTERM");
      await exited;
    }
    expect(existsSync(`${held}.scan.json`)).toBe(false);
  }, 60_000);
});
