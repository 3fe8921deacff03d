/**
 * Long commands show progress on stderr when it is a terminal (a real pty here), erased at the end, and
 * nothing of it when stderr is a pipe; inspect/validate only when their results are not on that terminal.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ensureBuilt, removeTempDirs, runCli, tempDir, writeSamples } from "./helpers.js";

const hasPty = spawnSync("python3", ["-c", "import pty"]).status === 0;

/** Runs the CLI with stderr (and stdin) on a pty and stdout on a pipe; returns what each received. */
function onTerminal(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const script = `import json, os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=slave, stderr=slave, stdout=subprocess.PIPE)
os.close(slave)
err = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    err += chunk
out = p.stdout.read()
p.wait()
sys.stdout.write(json.dumps(err.decode(errors="replace")) + "\\n" + out.decode(errors="replace"))
sys.exit(p.returncode)`;
  const r = spawnSync("python3", ["-c", script, process.execPath, CLI, ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  const newline = r.stdout.indexOf("\n");
  return {
    stderr: JSON.parse(r.stdout.slice(0, newline)) as string,
    stdout: r.stdout.slice(newline + 1),
    status: r.status,
  };
}

beforeAll(() => ensureBuilt());
afterAll(() => removeTempDirs());

describe.skipIf(!hasPty)("progress on a terminal", () => {
  it("generate shows files written on a terminal and nothing on a pipe", async () => {
    const dir = tempDir();
    const tty = onTerminal(["generate", join(dir, "a"), "--sequences", "2", "--frames", "5"]);
    expect(tty.status).toBe(0);
    expect(tty.stderr).toMatch(/\r\x1b\[2Kgenerate: \d+ of ~10 files/);
    expect(tty.stderr.endsWith("\r\x1b[2K")).toBe(true);
    expect(tty.stdout).toMatch(/^generated 10 files/);
    const piped = await runCli(["generate", join(dir, "b"), "--sequences", "2", "--frames", "5"]);
    expect(piped.stderr).toBe("");
  }, 120_000);

  it("validate shows files done on stderr when its results go elsewhere", () => {
    const { dir } = writeSamples();
    const tty = onTerminal(["validate", dir]);
    expect(tty.stderr).toMatch(/validate: \d+ files, \d+ failed/);
    expect(tty.stdout).toMatch(/: OK\n/);
  });

  it("inspect shows files done on stderr when its results go elsewhere", () => {
    const { dir } = writeSamples();
    const tty = onTerminal(["inspect", dir]);
    expect(tty.status).toBe(0);
    expect(tty.stderr).toMatch(/\r\x1b\[2Kinspect: \d+ files/);
    expect(tty.stderr.endsWith("\r\x1b[2K")).toBe(true);
    expect(tty.stdout).toMatch(/scanlineimage/);
  });

  it("export, import and cleanup show their elapsed time on a terminal, erased at the end, and nothing on a pipe", async () => {
    const { dir } = writeSamples("catalog");
    const db = join(dir, "c.duckdb");
    expect((await runCli(["scan", dir, "--db", db, "--no-progress"])).code).toBe(0);
    const out = join(dir, "export");
    const steps: [string, string[]][] = [
      ["export", ["export", out, "--db", db]],
      ["import", ["import", out, "--db", join(dir, "restored.duckdb")]],
      ["cleanup", ["cleanup", "--db", db, "--older-than", "0s", "--yes"]],
    ];
    for (const [label, args] of steps) {
      const tty = onTerminal(args);
      expect(tty.status, `${label}: ${tty.stderr}`).toBe(0);
      expect(tty.stderr).toMatch(new RegExp(`\\r\\x1b\\[2K${label}: \\d+ s`));
      expect(tty.stderr.endsWith("\r\x1b[2K")).toBe(true);
    }
    const piped = await runCli(["export", join(dir, "export2"), "--db", db]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe("");
  }, 120_000);
});
