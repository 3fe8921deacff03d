import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExr } from "../../src/core/write/index.js";
import { acesStrictCases, relaxedPassPart } from "../policy/preset-cases.js";
import { ensureBuilt, removeTempDirs, runCli, tempDir } from "./helpers.js";

let dir: string;
let pass: string;
let piz: string;
let noFlag: string;
let relaxed: string;

function write(name: string, bytes: Uint8Array): string {
  const sub = join(dir, name.replace(/\W/g, "_"));
  mkdirSync(sub);
  const path = join(sub, "shot.1001.exr");
  writeFileSync(path, bytes);
  return path;
}

beforeAll(() => {
  ensureBuilt();
  dir = tempDir("exr-validate-policy-");
  const cases = acesStrictCases();
  const spec = (breaks: string | null) => cases.find((c) => c.breaks === breaks)!.spec;
  pass = write("pass", writeExr(spec(null)));
  piz = write("piz", writeExr(spec("aces.compression")));
  noFlag = write("noflag", writeExr(spec("aces.container-flag")));
  relaxed = write(
    "relaxed",
    writeExr({
      parts: [
        {
          ...relaxedPassPart(),
          attributes: [{ name: "colorInteropID", type: "string", value: "lin_ap0_scene" }],
        },
      ],
    }),
  );
});
afterAll(removeTempDirs);

const ndjson = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("validate --policy", () => {
  it("passes a conforming file with exit 0", async () => {
    const run = await runCli(["validate", "--policy", "aces-container-strict", pass]);
    expect(run.stdout).toBe(`${pass}: OK\n`);
    expect(run.stderr).toBe("1 file, 0 failed, 0 with warnings (policy aces-container-strict)\n");
    expect(run.code).toBe(0);
  });

  it("adds policy findings with rule, expected, actual and fix; exit 1 on an error", async () => {
    const run = await runCli(["validate", "--policy", "aces-container-strict", piz]);
    expect(run.stdout).toBe(
      `${piz}: error EXR_POLICY_VIOLATION: aces.compression: ACES containers are uncompressed. ` +
        "(expected none; actual piz; fix: Re-write without compression (e.g. `oiiotool in.exr --compression none -o out.exr`).) " +
        `[part 0, attribute compression]\n${piz}: ERROR\n`,
    );
    expect(run.code).toBe(1);
    const [doc] = ndjson(
      (await runCli(["validate", "--format", "ndjson", "--policy", "aces-container-strict", piz])).stdout,
    );
    expect(doc).toMatchObject({ status: "error", passed: false });
    expect(doc.findings).toEqual([
      {
        code: "EXR_POLICY_VIOLATION",
        severity: "error",
        message: "aces.compression: ACES containers are uncompressed.",
        part_index: 0,
        attribute: "compression",
        rule_id: "aces.compression",
        policy_id: "aces-container-strict",
        expected: "none",
        actual: "piz",
        suggested_fix: "Re-write without compression (e.g. `oiiotool in.exr --compression none -o out.exr`).",
      },
    ]);
  });

  it("exits 4 when the worst finding is a warning, 1 when any file has an error", async () => {
    const warn = await runCli(["validate", "--policy", "aces-container-relaxed", noFlag]);
    expect(warn.stdout).toContain("warning EXR_POLICY_VIOLATION: aces.container-flag:");
    expect(warn.stderr).toBe("1 file, 0 failed, 1 with warnings (policy aces-container-relaxed)\n");
    expect(warn.code).toBe(4);
    expect((await runCli(["validate", "--policy", "aces-container-relaxed", noFlag, piz, pass])).code).toBe(
      4,
    );
    const strict = await runCli(["validate", "--policy", "aces-container-strict", noFlag, pass]);
    expect(strict.code).toBe(1);
    // Without --policy the same file is structurally fine: exit 0 as before.
    expect((await runCli(["validate", noFlag])).code).toBe(0);
  });

  it("a relaxed ACES file breaks exactly the strict rules relaxed loosens", async () => {
    const run = ndjson(
      (await runCli(["validate", "--format", "ndjson", "--policy", "aces-container-strict", relaxed])).stdout,
    );
    expect(run[0].findings.map((f: { rule_id: string }) => f.rule_id).sort()).toEqual([
      "aces.chromaticities",
      "aces.compression",
      "aces.container-flag",
      "aces.pixel-type",
    ]);
    expect((await runCli(["validate", "--policy", "aces-container-relaxed", relaxed])).code).toBe(4);
  });

  it("refuses an invalid policy with its location before reading any file (exit 2)", async () => {
    const policy = join(dir, "bad.yaml");
    writeFileSync(
      policy,
      "id: bad\ntitle: Bad\nrules:\n  - id: r\n    severity: fatal\n    check: { kind: tiled, tiled: false }\n    message: m\n    suggested_fix: f\n",
    );
    const run = await runCli(["validate", "--policy", policy, join(dir, "does-not-exist.exr")]);
    expect(run.stderr).toBe(
      `exr-inspector: invalid policy: ${policy}:5:15: /rules/0/severity: must be one of: error, warning, info\n`,
    );
    expect(run.stdout).toBe("");
    expect(run.code).toBe(2);
    const unknown = await runCli(["validate", "--policy", "acme", pass]);
    expect(unknown.stderr).toMatch(/invalid policy: --policy: \/: no built-in policy "acme"/);
    expect(unknown.code).toBe(2);
  });

  it("applies the policy on worker threads too (-j 2 over many files)", async () => {
    const many = tempDir("exr-validate-policy-many-");
    const bytes = writeExr(acesStrictCases().find((c) => c.breaks === "aces.compression")!.spec);
    for (let i = 0; i < 300; i++) writeFileSync(join(many, `shot.${1000 + i}.exr`), bytes);
    const run = await runCli([
      "validate",
      "-j",
      "2",
      "--format",
      "ndjson",
      "--policy",
      "aces-container-strict",
      many,
    ]);
    const docs = ndjson(run.stdout);
    expect(docs).toHaveLength(300);
    expect(docs.every((d) => d.findings.length === 1 && d.findings[0].rule_id === "aces.compression")).toBe(
      true,
    );
    expect(run.code).toBe(1);
  }, 60_000);
});
