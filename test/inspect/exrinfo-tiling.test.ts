import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { inspectFile } from "../../src/inspect/inspect.js";
import { corpusRoot } from "./helpers.js";

/**
 * Resolution levels and tile counts against OpenEXR's own `exrinfo -v -a` (the C library's
 * computation), for every single-part tiled sample file and the corpus's tiled files.
 * Skipped with a message when exrinfo is not installed (Debian: apt-get install openexr).
 */
const exrinfo = spawnSync("sh", ["-c", "command -v exrinfo"], { encoding: "utf8" }).stdout.trim();

interface LibraryTiling {
  numX: number;
  numY: number;
  x: Array<[tiles: number, size: number]>;
  y: Array<[tiles: number, size: number]>;
}

function libraryTiling(path: string): LibraryTiling {
  const out = spawnSync(exrinfo, ["-v", "-a", path], { encoding: "utf8" }).stdout;
  const levels = /tiled image has levels: x (\d+) y (\d+)/.exec(out);
  const counts = (axis: string) =>
    [...(new RegExp(`${axis} tile count:(.*)`).exec(out)?.[1] ?? "").matchAll(/(\d+) \(sz (\d+)\)/g)].map(
      (m) => [Number(m[1]), Number(m[2])] as [number, number],
    );
  if (!levels) throw new Error(`exrinfo printed no levels for ${path}:\n${out}`);
  return { numX: Number(levels[1]), numY: Number(levels[2]), x: counts("x"), y: counts("y") };
}

const dir = mkdtempSync(join(tmpdir(), "exr-tiling-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generated = sampleFiles()
  .filter((s) => s.name.startsWith("tiled_"))
  .map((s) => {
    const path = join(dir, s.name);
    writeFileSync(path, s.bytes);
    return path;
  });
const root = corpusRoot();
const corpus = root
  ? [
      "openexr-images/Tiles/GoldenGate.exr",
      "openexr-images/MultiResolution/Bonita.exr",
      "openexr-images/MultiResolution/ColorCodedLevels.exr",
      "openexr-images/MultiResolution/MirrorPattern.exr",
      "openexr-images/MultiResolution/OrientationCube.exr",
      "openexr-images/MultiResolution/PeriodicPattern.exr",
      "openexr-images/MultiResolution/StageEnvLatLong.exr",
      "openexr-images/MultiResolution/WavyLinesCube.exr",
      "openexr-images/MultiResolution/WavyLinesLatLong.exr",
    ].map((p) => join(root, p))
  : [];

(exrinfo ? describe : describe.skip)(
  exrinfo ? "tiling agrees with exrinfo" : "exrinfo not installed: tiling cross-check skipped",
  () => {
    it.each([...generated, ...corpus].map((p) => [p]))("%s", async (path) => {
      const ours = (await inspectFile(path)).parts[0]!.tiling!;
      const lib = libraryTiling(path);
      expect([ours.num_x_levels, ours.num_y_levels]).toEqual([lib.numX, lib.numY]);
      for (const l of ours.levels) {
        expect([l.tiles_x, l.width], `level ${l.level_x},${l.level_y}`).toEqual(lib.x[l.level_x]);
        expect([l.tiles_y, l.height], `level ${l.level_x},${l.level_y}`).toEqual(lib.y[l.level_y]);
      }
    });
  },
);
