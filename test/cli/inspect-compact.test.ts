/**
 * inspect's default text is compact (about exrheader's length): a layer summary of the channels
 * (`diffuse.{B,G,R}`), each attribute once without sizes or offsets, long values cut, human units;
 * --verbose keeps the complete layout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelSummary } from "../../src/cli/output/compact-text.js";
import type { ChannelRecord } from "../../src/core/model.js";
import { writeExr } from "../../src/core/write/index.js";
import { ensureBuilt, removeTempDirs, runCli, tempDir, writeFile } from "./helpers.js";

beforeAll(() => ensureBuilt());
afterAll(() => removeTempDirs());

const channel = (name: string, type = "half", sampling = 1): ChannelRecord => {
  const dot = name.lastIndexOf(".");
  return {
    part_index: 0,
    name,
    layer_name: dot < 0 ? null : name.slice(0, dot),
    component_name: dot < 0 ? name : name.slice(dot + 1),
    type,
    x_sampling: sampling,
    y_sampling: sampling,
    p_linear: false,
  };
};

describe("compact inspect text", () => {
  it("summarizes channels by layer, noting unusual types and sampling", () => {
    const summary = channelSummary(
      ["A", "B", "G", "R", "diffuse.B", "diffuse.G", "diffuse.R", "specular.B", "specular.G", "specular.R"]
        .map((n) => channel(n))
        .concat([channel("Z", "float"), channel("depth.Z", "float"), channel("BY", "half", 2)]),
    );
    expect(summary).toBe(
      "13 channels, half: A, B, G, R; diffuse.{B,G,R}; specular.{B,G,R}; Z (float); depth.Z (float); BY (sampling 2x2)",
    );
  });

  it("prints each attribute once, without sizes and offsets, long values cut; --verbose has them all", async () => {
    const names = ["A", "B", "G", "R"]
      .flatMap((c) => [`diffuse.${c}`, `specular.${c}`, `sss.${c}`, c])
      .sort();
    const path = writeFile(
      tempDir(),
      "aov.exr",
      writeExr({
        parts: [
          {
            type: "scanlineimage",
            dataWindow: { min: [0, 0], max: [7, 3] },
            channels: names.map((name) => ({ name, type: "half" as const })),
            attributes: [{ name: "manifest", type: "string", value: "x".repeat(5000) }],
          },
        ],
      }),
    );
    const compact = (await runCli(["inspect", path])).stdout;
    const verbose = (await runCli(["inspect", "--verbose", path])).stdout;
    expect(compact).toMatch(/^file .*aov\.exr: [\d.]+ (B|KB), complete, modified /);
    expect(compact).toContain("part 0: scanlineimage, none, 8 x 4, 4 chunks");
    expect(compact).toContain(
      "16 channels, half: A, B, G, R; diffuse.{A,B,G,R}; specular.{A,B,G,R}; sss.{A,B,G,R}",
    );
    expect(compact).toContain("  dataWindow: (0 0) - (7 3)\n");
    expect(compact).not.toMatch(/ bytes at \d+/);
    expect(compact).not.toContain("derived:");
    expect(compact).toMatch(/manifest: "x+… \(5,002 characters; --verbose prints all\)/);
    expect(compact.split("\n").length * 2).toBeLessThan(verbose.split("\n").length);
    expect(verbose).toMatch(/manifest \(type string, 5000 bytes at \d+\): "x{5000}"/);
    expect(verbose).toMatch(/size [\d.]+ KB \(\d+ bytes\)/);
  });
});
