import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCodesDoc } from "../../src/cli/codes-doc.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { FINDING_CODES } from "../../src/core/findings.js";

describe("docs/codes.md", () => {
  const doc = readFileSync(new URL("../../docs/codes.md", import.meta.url), "utf8");

  it("is what `npm run docs:codes` generates from the registries (run it after changing a code)", () => {
    expect(doc).toBe(renderCodesDoc());
  });

  it("lists every exit code and every finding code", () => {
    for (const code of Object.values(EXIT)) expect(doc).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
    for (const code of Object.keys(FINDING_CODES)) expect(doc).toContain(`| \`${code}\` |`);
  });
});
