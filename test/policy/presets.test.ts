/**
 * Each built-in preset against files written to pass and files written to break exactly one rule each (written
 * with our writer), cross-checked with the official OpenEXR bindings: the library opens every file, decodes its
 * pixels (their NaN/Inf counts are the statistics the finite-pixel rules read), and sees each broken file differ
 * from the passing one in exactly what the case says it changes.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExr } from "../../src/core/write/index.js";
import { inspectFile } from "../../src/inspect/inspect.js";
import { describeProblem } from "../../src/policy/document.js";
import { evaluatePolicy } from "../../src/policy/evaluate.js";
import { loadPolicy, presetNames } from "../../src/policy/load.js";
import type { PixelStats, Policy } from "../../src/policy/model.js";
import { HAVE_LIBRARY, LIBRARY_SKIP_REASON, PYTHON } from "../core/write/library.js";
import { type PolicyCase, PRESET_CASES } from "./preset-cases.js";

interface OfficialPart {
  headers: Record<string, string>;
  pixel_types: Record<string, string>;
  channels: Array<{ name: string; nan_count: number; inf_count: number }>;
}
interface OfficialFacts {
  path: string;
  ok: boolean;
  error: string | null;
  parts: OfficialPart[];
}

const root = mkdtempSync(join(tmpdir(), "exr-policy-presets-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function readOfficially(paths: string[]): Map<string, OfficialFacts> {
  const run = spawnSync(PYTHON, ["python/policy/official_facts.py", ...paths], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`official_facts.py failed: ${run.stderr}`);
  const facts = run.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as OfficialFacts);
  return new Map(facts.map((f) => [f.path, f]));
}

/** The library's NaN/Inf counts in the field names of `exr-inspector stats`. */
function statsOf(facts: OfficialFacts): PixelStats {
  return {
    parts: facts.parts.map((p, part_index) => ({
      part_index,
      levels: [{ level: [0, 0], channels: p.channels }],
    })),
  };
}

/** What differs between two files as the official library reads them. */
function officialDifferences(pass: OfficialFacts, other: OfficialFacts): string[] {
  const out = new Set<string>();
  if (basename(pass.path) !== basename(other.path)) out.add("@name");
  if (pass.parts.length !== other.parts.length) out.add("@parts");
  other.parts.forEach((part, i) => {
    const reference = pass.parts[i] ?? pass.parts[0]!;
    for (const key of new Set([...Object.keys(reference.headers), ...Object.keys(part.headers)]))
      if (reference.headers[key] !== part.headers[key]) out.add(key);
    // Channels added or removed show in the `channels` header; a pixel type only in a full read.
    if (Object.entries(part.pixel_types).some(([c, t]) => (reference.pixel_types[c] ?? t) !== t))
      out.add("@pixel_types");
    if (part.channels.some((c) => c.nan_count > 0 || c.inf_count > 0)) out.add("@nonfinite");
  });
  return [...out].sort();
}

describe.each(presetNames())("preset %s", (presetName) => {
  const cases = PRESET_CASES[presetName]!();
  const paths = new Map<PolicyCase, string>();
  let policy: Policy;
  let official: Map<string, OfficialFacts> | null = null;

  beforeAll(async () => {
    const loaded = await loadPolicy(presetName);
    if (!loaded.ok) throw new Error(loaded.problems.map(describeProblem).join("\n"));
    policy = loaded.value;
    cases.forEach((c, i) => {
      const dir = join(root, presetName, String(i));
      mkdirSync(dir, { recursive: true });
      const path = join(dir, c.fileName);
      writeFileSync(path, writeExr(c.spec));
      paths.set(c, path);
    });
    if (HAVE_LIBRARY) official = readOfficially([...paths.values()]);
  }, 180_000);

  it("has one passing file and one breaking file for every rule", () => {
    expect(cases.filter((c) => c.breaks === null)).toHaveLength(1);
    expect(cases.flatMap((c) => (c.breaks ? [c.breaks] : [])).sort()).toEqual(
      policy.rules.map((r) => r.id).sort(),
    );
  });

  it("the passing file passes every rule and each broken file breaks exactly its rule", async () => {
    const needsStats = policy.rules.filter((r) => r.check.kind === "finite_pixels").map((r) => r.id);
    for (const c of cases) {
      const path = paths.get(c)!;
      const result = await inspectFile(path);
      expect(
        result.validation.findings.filter((f) => f.severity === "error"),
        c.fileName,
      ).toEqual([]);
      expect(result.file.is_complete).toBe(true);
      const facts = official?.get(path);
      const results = evaluatePolicy(policy, result, facts ? statsOf(facts) : null);
      const failed = results.filter((r) => r.outcome === "fail").map((r) => r.rule_id);
      const label = `${presetName} / ${c.breaks ?? "pass"} (${c.fileName})`;
      if (facts) {
        expect(failed, label).toEqual(c.breaks ? [c.breaks] : []);
        expect(results.filter((r) => r.outcome !== "pass" && r.outcome !== "fail")).toEqual([]);
      } else {
        // Without the library there are no statistics: finite-pixel rules say so instead of passing.
        const expected = c.breaks && !needsStats.includes(c.breaks) ? [c.breaks] : [];
        expect(failed, label).toEqual(expected);
        expect(results.filter((r) => r.outcome === "needs_stats").map((r) => r.rule_id)).toEqual(needsStats);
      }
      for (const r of results.filter((x) => x.outcome === "fail")) {
        const rule = policy.rules.find((x) => x.id === r.rule_id)!;
        expect(r).toMatchObject({
          severity: rule.severity,
          message: rule.message,
          suggested_fix: rule.suggested_fix,
        });
        expect(r.expected).toBeTruthy();
        expect(r.actual).toBeTruthy();
      }
    }
  });

  it.skipIf(!HAVE_LIBRARY)(
    "the official library reads every file and sees exactly the intended difference",
    () => {
      if (!HAVE_LIBRARY) return;
      const facts = (c: PolicyCase) => official!.get(paths.get(c)!)!;
      const pass = facts(cases.find((c) => c.breaks === null)!);
      for (const c of cases) {
        const f = facts(c);
        expect(f.error, c.fileName).toBeNull();
        expect(f.ok).toBe(true);
        expect(officialDifferences(pass, f), `${presetName} / ${c.breaks ?? "pass"}`).toEqual(
          [...c.touches].sort(),
        );
      }
    },
  );
});

if (!HAVE_LIBRARY) console.warn(`policy presets: cross-check skipped: ${LIBRARY_SKIP_REASON}`);
