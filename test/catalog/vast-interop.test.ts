/**
 * Runs the cross-language harness (python/vast_interop: the official vastdb SDK against our adapter and CLI)
 * when the Python venv exists; CI also runs it directly: .venv/bin/python -m pytest python/vast_interop
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliBuilt } from "../vast/client/writer-fleet.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");
const hasSdk =
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import vastdb, pytest"], { stdio: "ignore" }).status === 0;
const why = !cliBuilt
  ? "dist/ not built (npm run build)"
  : "no .venv with vastdb (pip install -r python/requirements.txt)";

describe.skipIf(!hasSdk || !cliBuilt)(
  `VAST interop with the official SDK${hasSdk && cliBuilt ? "" : ` (skipped: ${why})`}`,
  () => {
    it("catalog written by our adapter reads identically with vastdb; seed-schema rows read by our CLI", () => {
      const run = spawnSync(PYTHON, ["-m", "pytest", "-q", "python/vast_interop"], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 600_000,
      });
      expect(run.stdout + run.stderr).toMatch(/2 passed/);
      expect(run.status).toBe(0);
    }, 600_000);
  },
);
