/**
 * Faults survived: `exr-inspector scan` of a 2,000-file tree into the VAST emulator answering 10% of requests with
 * 500, dropping 5% of connections and throttling 5% (503 SlowDown) must succeed every time with each file stored
 * exactly once. `VAST_FAULT_SCANS` scans run (default 1; CI runs several: `npm run test:vast-faults`).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { rawProblems, rawRows } from "../vast/client/catalog-raw.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { cliBuilt, runCli, vastEnv } from "../vast/client/writer-fleet.js";

const FILES = 2_000;
const SCANS = Math.max(1, Number(process.env.VAST_FAULT_SCANS ?? 1));
const FAULTS = ["--fault-error500", "0.1", "--fault-drop", "0.05", "--fault-slowdown", "0.05"];

let emu: EmulatorHandle;
let dir: string;
const sample = sampleFiles()[0]!;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-vast-faults-"));
  for (let shot = 0; shot < 20; shot++) {
    const folder = path.join(dir, `shot${String(shot).padStart(3, "0")}`, "beauty");
    await mkdir(folder, { recursive: true });
    for (let frame = 0; frame < FILES / 20; frame++)
      await writeFile(path.join(folder, `beauty.${1001 + frame}.exr`), sample.bytes);
  }
  emu = await startTestEmulator(FAULTS);
}, 300_000);

afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!cliBuilt)("VAST scans under injected faults (500 10%, dropped 5%, SlowDown 5%)", () => {
  const result = inspectBytes(sample.bytes, { path: sample.name });
  const expected = {
    files: FILES,
    parts: FILES * result.parts.length,
    channels: FILES * result.channels.length,
    attributes: FILES * result.parts.reduce((n, p) => n + p.attributes.length, 0),
  };

  for (let run = 1; run <= SCANS; run++) {
    it(`scan ${run}/${SCANS} of ${FILES} files succeeds and stores each file exactly once`, async () => {
      const config = testConfig(emu.url);
      const scan = await runCli(
        ["scan", dir, "--backend", "vast", "-j", "0", "--no-progress"],
        // The CLI's own retry policy (no test shortcuts): only the endpoint and a fresh schema come from the test.
        vastEnv(config),
      );
      expect(scan.stderr).not.toMatch(/error|failed/i);
      expect(scan.code, scan.stderr).toBe(0);
      expect(scan.stdout).toMatch(new RegExp(`inspected\\s+${FILES} \\(new ${FILES}`));

      await emu.setFaults({ slowdown: 0, error500: 0, drop: 0 });
      try {
        const store = await VastCatalogStore.open(config, { readOnly: true });
        try {
          await store.init();
          expect(await store.counts()).toEqual(expected);
          const paths = await store.query(
            "SELECT count(*) AS n, count(DISTINCT file_path_normalized) AS paths, max(inspection_count) AS max_count FROM files",
          );
          expect(paths.rows).toEqual([[FILES, FILES, 1]]);
        } finally {
          await store.close();
        }
        expect(rawProblems(await rawRows(config))).toEqual([]);
      } finally {
        await emu.setFaults({ slowdown: 0.05, error500: 0.1, drop: 0.05 });
      }
    }, 600_000);
  }
});
