/**
 * FIFOs, sockets and devices named *.exr are never opened: inspect, validate and scan report
 * EXR_NOT_A_REGULAR_FILE for them (alone or inside a directory) and finish, instead of blocking forever.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectFile } from "../../src/inspect/inspect.js";
import { FileSource } from "../../src/io/file-source.js";
import { NotARegularFileError } from "../../src/io/regular-file.js";
import { ensureBuilt, ndjson, removeTempDirs, runCli, tempDir, writeSamples } from "../cli/helpers.js";

let dir: string;
let fifo: string;
let socketPath: string;
let server: Server;
const hasMkfifo = spawnSync("mkfifo", ["--version"]).status === 0;

beforeAll(async () => {
  ensureBuilt();
  dir = writeSamples("renders").dir;
  fifo = join(dir, "renders", "pipe.exr");
  if (hasMkfifo) spawnSync("mkfifo", [fifo]);
  socketPath = join(dir, "renders", "sock.exr");
  server = createServer();
  await new Promise<void>((ok) => server.listen(socketPath, ok));
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  removeTempDirs();
});

describe.skipIf(!hasMkfifo)("non-regular files", () => {
  it("are findings from the library, sync and async, without being opened", async () => {
    for (const path of [fifo, socketPath, "/dev/zero", "/dev/null"]) {
      for (const io of ["sync", "async"] as const) {
        const r = await inspectFile(path, { io });
        expect(
          r.validation.findings.map((f) => f.code),
          `${path} ${io}`,
        ).toEqual(["EXR_NOT_A_REGULAR_FILE"]);
        expect(r.file.is_complete).toBe(false);
      }
    }
    await expect(FileSource.open(fifo)).rejects.toBeInstanceOf(NotARegularFileError);
  });

  it("inspect, validate and scan finish (rc 1) with the finding, alone and inside a directory", async () => {
    const alone = await runCli(["inspect", "--format", "ndjson", fifo]);
    expect(alone.code).toBe(1);
    expect(ndjson(alone.stdout)[0].validation.findings[0].code).toBe("EXR_NOT_A_REGULAR_FILE");
    const tree = await runCli(["validate", "--format", "ndjson", join(dir, "renders")]);
    expect(tree.code).toBe(1);
    const byPath = new Map(ndjson(tree.stdout).map((d) => [d.path, d]));
    expect(byPath.get(fifo)?.findings[0].code).toBe("EXR_NOT_A_REGULAR_FILE");
    expect(byPath.get(socketPath)?.findings[0].code).toBe("EXR_NOT_A_REGULAR_FILE");
    const db = join(tempDir(), "c.duckdb");
    const scan = await runCli(["scan", "--db", db, "--no-progress", "-j", "1", join(dir, "renders")]);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toMatch(/errors\s+2/);
    expect(existsSync(fifo)).toBe(true);
  }, 60_000);
});
