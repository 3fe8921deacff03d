import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FINDING_CODES } from "../../src/core/findings.js";

describe("docs/notes/core.md", () => {
  it("documents every finding code with its severity", () => {
    const doc = readFileSync(new URL("../../docs/notes/core.md", import.meta.url), "utf8");
    for (const [code, [severity]] of Object.entries(FINDING_CODES)) {
      expect(doc, code).toContain(`| \`${code}\` | ${severity} |`);
    }
  });
});
