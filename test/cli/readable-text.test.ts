/**
 * Text output people (and grep) can read: control characters from damaged names are escaped, so one finding
 * is one line; float32 values print as the shortest decimal that reads back as the same float32 (as exrheader
 * does), while JSON keeps the exact expansion.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shortestFloat32 } from "../../src/cli/output/float32.js";
import { writeExr } from "../../src/core/write/index.js";
import { ensureBuilt, ndjson, removeTempDirs, runCli, tempDir, writeFile } from "./helpers.js";

beforeAll(() => ensureBuilt());
afterAll(() => removeTempDirs());

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});

function file(attributes: Parameters<typeof writeExr>[0]["parts"][0]["attributes"]): Uint8Array {
  return writeExr({
    parts: [
      {
        type: "scanlineimage",
        dataWindow: box(0, 0, 3, 2),
        channels: [{ name: "Y", type: "half" }],
        attributes,
      },
    ],
  });
}

describe("readable text output", () => {
  it("shortestFloat32 round-trips every float32 it prints", () => {
    expect(shortestFloat32(Math.fround(0.45))).toBe(0.45);
    expect(String(shortestFloat32(Math.fround(0.1)))).toBe("0.1");
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334);
    for (let i = 0; i < 2000; i++) {
      const f = Math.fround((Math.random() - 0.5) * 10 ** ((i % 20) - 10));
      expect(Math.fround(shortestFloat32(f))).toBe(f);
    }
  });

  it("control characters in names and values are escaped: one finding per line, no binary output", async () => {
    const dir = tempDir();
    const path = writeFile(
      dir,
      "ctrl.exr",
      file([
        { name: "evil\nname\u0007", type: "string", value: "two\u0085lines\u2028here" },
        { name: "evil\nname\u0007", type: "string", value: "again" },
      ]),
    );
    const text = await runCli(["inspect", "--verbose", path]);
    expect(text.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028]/);
    expect(text.stdout).toContain("evil\\nname\\x07 (type string");
    expect(text.stdout).toContain('"two\\x85lines\\u2028here"');
    const validate = await runCli(["validate", path]);
    const duplicate = validate.stdout.split("\n").filter((l) => l.includes("EXR_DUPLICATE_ATTRIBUTE"));
    expect(duplicate).toHaveLength(1);
    expect(duplicate[0]).toContain("evil\\nname\\x07");
    // JSON keeps the exact strings.
    const json = ndjson((await runCli(["inspect", "--format", "ndjson", path])).stdout)[0];
    expect(json.parts[0].attributes.map((a: { name: string }) => a.name)).toContain("evil\nname\u0007");
  });

  it("float32 attributes print like exrheader (0.45), JSON keeps the float64 expansion", async () => {
    const dir = tempDir();
    const path = writeFile(
      dir,
      "floats.exr",
      file([
        { name: "aFloat", type: "float", value: 0.45 },
        { name: "aV2f", type: "v2f", value: [0.1, 0.7] },
        { name: "aDouble", type: "double", value: 0.45 },
      ]),
    );
    const text = (await runCli(["inspect", "--verbose", path])).stdout;
    expect((await runCli(["inspect", path])).stdout).toContain("  aFloat: 0.45\n");
    expect(text).toMatch(/aFloat \(type float.*\): 0\.45\n/);
    expect(text).toMatch(/aV2f \(type v2f.*\): \(0\.1 0\.7\)\n/);
    expect(text).toMatch(/aDouble \(type double.*\): 0\.45\n/);
    expect(text).not.toContain("0.44999998807907104");
    const json = ndjson((await runCli(["inspect", "--format", "ndjson", path])).stdout)[0];
    const value = json.parts[0].attributes.find((a: { name: string }) => a.name === "aFloat").value;
    expect(value).toBe(Math.fround(0.45));
  });
});
