import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { CLI, ensureBuilt, removeTempDirs, tempDir } from "./helpers.js";

// Packages only some commands need: a command that does not use them must not pay for loading them.
const HEAVY = /node_modules\/(@duckdb|apache-arrow|@aws-sdk|@smithy|kafkajs|pino|prom-client|cloudevents)\//;
const RECORDER = resolve("test/library/load-recorder.mjs");

let dir: string;
let file: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir("exr-lazy-");
  file = join(dir, "a.exr");
  writeFileSync(file, sampleFiles()[0]!.bytes);
});
afterAll(removeTempDirs);

/** The CLI's modules, run without the build's bundle (dist/cli/launch.cjs runs the bundle when there is one). */
const MODULES = resolve("dist/cli/main.js");

/** Runs the CLI (or `entry`) and returns what it printed and every module it loaded. */
function run(args: string[], entry = CLI): { status: number | null; stdout: string; loaded: string[] } {
  const list = join(dir, `loaded-${entry === CLI ? "" : "m-"}${args.join("_").replace(/\W/g, "_")}.txt`);
  writeFileSync(list, "");
  const r = spawnSync(process.execPath, ["--import", RECORDER, entry, ...args], {
    env: { ...process.env, LOADED_MODULES_FILE: list },
    encoding: "utf8",
    timeout: 60_000,
  });
  return {
    status: r.status,
    stdout: r.stdout,
    loaded: readFileSync(list, "utf8").split("\n").filter(Boolean),
  };
}

describe("commands are loaded on demand", () => {
  it("inspect loads its own module and none of DuckDB, Arrow, the AWS SDK, Kafka or the service's packages", () => {
    const r = run(["inspect", file], MODULES);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("scanlineimage");
    expect(r.loaded.some((u) => u.endsWith("/dist/cli/commands/inspect.js"))).toBe(true);
    expect(r.loaded.some((u) => u.endsWith("/dist/cli/commands/scan.js"))).toBe(false);
    expect(r.loaded.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it("so does the bundled CLI (the bin), and --version alone loads no command", () => {
    const r = run(["inspect", file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("scanlineimage");
    expect(r.loaded.filter((u) => HEAVY.test(u))).toEqual([]);
    const version = run(["--version"], MODULES);
    expect(version.stdout).toBe("0.1.0\n");
    expect(version.loaded.filter((u) => /\/dist\/cli\/commands\/(?!index\.js$)/.test(u))).toEqual([]);
  });

  it("the recorder sees heavy packages where a command uses them (db init loads DuckDB, s3:// the AWS SDK)", () => {
    const init = run(["db", "init", "--db", join(dir, "c.duckdb")]);
    expect(init.status).toBe(0);
    expect(init.loaded.some((u) => /node_modules\/@duckdb\//.test(u))).toBe(true);
    const remote = run([
      "inspect",
      "--retries",
      "0",
      "--timeout",
      "1",
      "--endpoint-url",
      "http://127.0.0.1:9",
      "s3://b/a.exr",
    ]);
    expect(remote.loaded.some((u) => /node_modules\/@aws-sdk\//.test(u))).toBe(true);
  });

  it("--help still lists every command, and an unknown command is still a usage error", () => {
    const help = run(["--help"]);
    expect(help.status).toBe(0);
    for (const name of ["inspect", "validate", "scan", "serve", "publish", "consume", "sql", "generate"])
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    expect(run(["frobnicate"]).status).toBe(2);
  });
});
