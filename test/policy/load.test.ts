import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeProblem } from "../../src/policy/document.js";
import { loadPolicy, presetNames } from "../../src/policy/load.js";

const dir = mkdtempSync(join(tmpdir(), "exr-policy-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policyFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function problemsOf(ref: string): Promise<string[]> {
  const loaded = await loadPolicy(ref, dir);
  if (loaded.ok) throw new Error(`expected ${ref} to be refused`);
  return loaded.problems.map(describeProblem);
}

describe("built-in presets", () => {
  it("are the four documented ones and all load", async () => {
    expect(presetNames()).toEqual([
      "aces-container-relaxed",
      "aces-container-strict",
      "studio-default",
      "vfx-plate-delivery",
    ]);
    for (const name of presetNames()) {
      const loaded = await loadPolicy(name);
      if (!loaded.ok) throw new Error(loaded.problems.map(describeProblem).join("\n"));
      expect(loaded.value.id).toBe(name);
      expect(loaded.value.rules.length).toBeGreaterThan(5);
      for (const rule of loaded.value.rules) expect(rule.source, rule.id).toBeTruthy();
    }
  });

  it("relaxed extends strict: same rule ids in the same order, replaced rules and a severity override", async () => {
    const strict = await loadPolicy("aces-container-strict");
    const relaxed = await loadPolicy("aces-container-relaxed");
    if (!strict.ok || !relaxed.ok) throw new Error("presets must load");
    expect(relaxed.value.extends).toEqual(["aces-container-strict"]);
    expect(relaxed.value.rules.map((r) => r.id)).toEqual(strict.value.rules.map((r) => r.id));
    const rule = (id: string) => relaxed.value.rules.find((r) => r.id === id)!;
    expect(rule("aces.container-flag").severity).toBe("warning");
    expect(rule("aces.compression").check).toMatchObject({
      kind: "compression",
      allowed: expect.arrayContaining(["piz"]),
    });
    expect(rule("aces.scanline")).toEqual(strict.value.rules.find((r) => r.id === "aces.scanline"));
  });
});

describe("policy files", () => {
  it("extends a preset by name and a file by relative path, with overrides and disable", async () => {
    policyFile(
      "base.json",
      JSON.stringify({
        id: "base",
        title: "Base",
        extends: "studio-default",
        rules: [
          {
            id: "base.zip",
            severity: "error",
            check: { kind: "compression", allowed: ["zip"] },
            message: "zip only",
            suggested_fix: "use zip",
          },
        ],
      }),
    );
    const path = policyFile(
      "child.yaml",
      "id: child\ntitle: Child\nextends: ./base.json\noverrides:\n  base.zip: { severity: info }\n  studio.legal-name: { severity: warning }\ndisable: [studio.pixel-aspect]\n",
    );
    const loaded = await loadPolicy(path);
    if (!loaded.ok) throw new Error(loaded.problems.map(describeProblem).join("\n"));
    expect(loaded.value.extends).toEqual(["base", "studio-default"]);
    const ids = loaded.value.rules.map((r) => r.id);
    expect(ids).toContain("base.zip");
    expect(ids).not.toContain("studio.pixel-aspect");
    expect(loaded.value.rules.find((r) => r.id === "base.zip")!.severity).toBe("info");
    expect(loaded.value.rules.find((r) => r.id === "studio.legal-name")!.severity).toBe("warning");
  });

  it("reports a schema error with file, JSON pointer, line and column", async () => {
    const path = policyFile(
      "bad-kind.yaml",
      [
        "id: bad",
        "title: Bad",
        "rules:",
        "  - id: ok.rule",
        "    severity: error",
        "    check: { kind: tiled, tiled: false }",
        "    message: m",
        "    suggested_fix: f",
        "  - id: bad.rule",
        "    severity: fatal",
        "    check:",
        "      kind: resolutoin",
        "    message: m",
        "    suggested_fix: f",
        "    colour: red",
        "",
      ].join("\n"),
    );
    const problems = await problemsOf(path);
    expect(problems).toEqual([
      `${path}:10:15: /rules/1/severity: must be one of: error, warning, info`,
      `${path}:12:13: /rules/1/check/kind: unknown check kind "resolutoin"`,
      `${path}:15:5: /rules/1/colour: unknown property`,
    ]);
  });

  it("reports missing properties, bad regular expressions and duplicate rule ids", async () => {
    const rule = (id: string, check: object) => ({
      id,
      severity: "error",
      check,
      message: "m",
      suggested_fix: "f",
    });
    const path = policyFile(
      "bad.json",
      JSON.stringify(
        {
          id: "bad",
          title: "t",
          rules: [rule("a", { kind: "file_name", pattern: "([" }), rule("a", { kind: "windows_match" })],
        },
        null,
        2,
      ),
    );
    const problems = await problemsOf(path);
    expect(problems).toEqual([
      expect.stringMatching(/bad\.json:10:20: \/rules\/0\/check\/pattern: invalid regular expression/),
      `${path}:16:13: /rules/1/id: duplicate rule id "a" (also /rules/0)`,
    ]);
    expect(await problemsOf(policyFile("no-title.json", '{"id": "x"}'))).toEqual([
      `${dir}/no-title.json:1:1: /: missing required property "title"`,
    ]);
  });

  it("reports syntax errors, unknown presets, missing files, cycles and unknown overrides", async () => {
    expect((await problemsOf(policyFile("syntax.yaml", "id: x\ntitle: [unclosed\n")))[0]).toMatch(
      /syntax\.yaml:\d+:\d+: \/: not valid YAML\/JSON/,
    );
    expect((await problemsOf("no-such-preset"))[0]).toMatch(
      /no built-in policy "no-such-preset" \(built-in: aces-container-relaxed/,
    );
    expect((await problemsOf("./missing.yaml"))[0]).toMatch(/missing\.yaml: \/: cannot read: ENOENT/);
    policyFile("a.yaml", "id: a\ntitle: A\nextends: ./b.yaml\n");
    policyFile("b.yaml", "id: b\ntitle: B\nextends: ./a.yaml\n");
    expect((await problemsOf("./a.yaml"))[0]).toMatch(/b\.yaml: \/extends: extends cycle/);
    const over = policyFile(
      "over.yaml",
      "id: o\ntitle: O\nextends: studio-default\noverrides:\n  no.such: { severity: info }\n",
    );
    expect(await problemsOf(over)).toEqual([
      `${over}:5:12: /overrides/no.such: no rule "no.such" to override`,
    ]);
  });
});
