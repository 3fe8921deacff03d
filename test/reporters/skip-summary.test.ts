import { describe, expect, it, vi } from "vitest";
import type { TestModule } from "vitest/node";
import { skipReason } from "../skip-reasons.js";
import SkipSummary from "./skip-summary.js";

/** The reporter reads only these members of vitest's TestModule. */
function module(file: string, states: string[]): TestModule {
  return {
    moduleId: `${process.cwd()}/${file}`,
    children: { allTests: () => states.map((state) => ({ result: () => ({ state }) })) },
  } as unknown as TestModule;
}

describe("skip summary reporter", () => {
  it("prints every file with skipped tests and the reason, or that none were skipped", () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    try {
      new SkipSummary().onTestRunEnd([
        module("test/io/walk.test.ts", ["passed", "skipped"]),
        module("test/vast/client/sdk-requests.test.ts", ["skipped", "skipped"]),
        module("test/core/docs.test.ts", ["passed"]),
      ]);
      new SkipSummary().onTestRunEnd([module("test/core/docs.test.ts", ["passed"])]);
    } finally {
      write.mockRestore();
    }
    const text = out.join("");
    expect(text).toContain("skipped: 3 tests");
    expect(text).toContain(`test/io/walk.test.ts: 1 skipped (${skipReason("test/io/walk.test.ts")})`);
    expect(text).toContain("test/vast/client/sdk-requests.test.ts: 2 skipped (");
    expect(text).not.toContain("docs.test.ts");
    expect(text).toContain("skipped: none");
  });

  it("names the environment condition behind a skip", () => {
    expect(skipReason("test/unknown.test.ts")).toMatch(/own condition/);
    if (process.getuid?.() === 0) expect(skipReason("test/io/walk.test.ts")).toMatch(/root/);
  });
});
