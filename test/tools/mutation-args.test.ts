import { describe, expect, it } from "vitest";
import { splitMutationArgs } from "../../tools/mutation-args.js";

describe("splitMutationArgs", () => {
  it("passes a leading Stryker option through when --tests is absent (CI's --mutate list)", () => {
    const args = splitMutationArgs(["--mutate", "src/io/a.ts:1-2,src/io/b.ts:3-3", "--force"]);
    expect(args.strykerArgs).toEqual(["--mutate", "src/io/a.ts:1-2,src/io/b.ts:3-3", "--force"]);
    expect(args.tests).toBeUndefined();
  });

  it("takes --tests and its value, and its own flags, out of Stryker's arguments", () => {
    const args = splitMutationArgs([
      "--mutate",
      "src/core/x.ts",
      "--tests",
      "test/core/x.test.ts",
      "--check",
      "--last",
      "--concurrency",
      "2",
    ]);
    expect(args).toEqual({
      check: true,
      reportOnly: false,
      last: true,
      tests: "test/core/x.test.ts",
      strykerArgs: ["--mutate", "src/core/x.ts", "--concurrency", "2"],
    });
  });

  it("reads --report-only", () => {
    expect(splitMutationArgs(["--report-only"])).toMatchObject({ reportOnly: true, strykerArgs: [] });
  });
});
