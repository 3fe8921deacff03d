/**
 * Every codec against the official OpenEXR bindings: files the bindings write in each compression (scanline and
 * tiled; half, float, uint and mixed channels; noise, smooth and blocky planes; sizes off the block grid) decode
 * with exr-inspector to the bits the bindings decode from them (HTJ2K also with subsampled channels; its
 * codestreams go through the WebAssembly OpenJPH worker, which is loaded from dist/: `npm run build` first). The
 * files come from
 * python/conformance/codec_fixtures.py, generated once per version of that script into the system temp directory
 * (so the mutation run decodes them again for each mutant without re-running Python).
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pixelReport } from "../../../src/inspect/pixel-report.js";
import { readPixels } from "../../../src/inspect/read-pixels.js";
import { BufferSource } from "../../../src/io/buffer-source.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SCRIPT = path.join(ROOT, "python/conformance/codec_fixtures.py");
// EXR_INSPECTOR_PYTHON: set by `npm run test:mutation`, whose sandbox copy of the repo has no .venv
const PYTHON = process.env.EXR_INSPECTOR_PYTHON ?? path.join(ROOT, ".venv/bin/python");
const hasBindings =
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import OpenEXR, numpy"], { stdio: "ignore" }).status === 0;

interface NumpyStats {
  nan_count: number;
  inf_count: number;
  finite_count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
  /** Mean of the absolute finite values: the scale of float64 summation error near zero. */
  scale: number | null;
  constant: boolean;
}

interface Fixture {
  file: string;
  compression: string;
  channels: {
    name: string;
    type: "half" | "float" | "uint";
    width: number;
    height: number;
    bin: string;
    stats: NumpyStats;
  }[];
}

/** The fixtures directory for this version of the generator, made when missing (atomically: tests run in parallel). */
function fixtures(): string {
  const version = createHash("sha256").update(readFileSync(SCRIPT)).digest("hex").slice(0, 16);
  const dir = path.join(tmpdir(), `exr-inspector-codec-fixtures-${version}`);
  if (existsSync(path.join(dir, "index.json"))) return dir;
  const work = mkdtempSync(path.join(tmpdir(), "exr-inspector-codec-fixtures-tmp-"));
  const run = spawnSync(PYTHON, [SCRIPT, work], { encoding: "utf8", timeout: 120_000 });
  if (run.status !== 0) throw new Error(`codec_fixtures.py failed: ${run.stderr}`);
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another process made it first
  }
  return dir;
}

const suite = hasBindings ? describe : describe.skip;

suite("codecs decode what the official bindings decode", () => {
  let dir = "";
  let files: Fixture[] = [];
  beforeAll(() => {
    dir = fixtures();
    files = (JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")) as { files: Fixture[] }).files;
  }, 180_000);

  const codecs = [
    "none",
    "rle",
    "zips",
    "zip",
    "piz",
    "pxr24",
    "b44",
    "b44a",
    "dwaa",
    "dwab",
    "htj2k256",
    "htj2k32",
  ];
  for (const compression of codecs) {
    it(`${compression}: every sample of every file, bit for bit`, async () => {
      const mine = files.filter((f) => f.compression === compression);
      expect(mine.length).toBeGreaterThanOrEqual(28);
      for (const f of mine) {
        const bytes = new Uint8Array(readFileSync(path.join(dir, f.file)));
        const px = await readPixels(new BufferSource(bytes, f.file));
        expect(
          px.findings.filter((x) => x.severity !== "info"),
          f.file,
        ).toEqual([]);
        expect(
          px.channels.map((c) => c.name),
          f.file,
        ).toEqual(f.channels.map((c) => c.name));
        for (const want of f.channels) {
          const plane = px.channels.find((c) => c.name === want.name)!;
          expect([plane.type, plane.width, plane.height], `${f.file} ${want.name}`).toEqual([
            want.type,
            want.width,
            want.height,
          ]);
          const raw = readFileSync(path.join(dir, want.bin));
          const expected =
            want.type === "half"
              ? new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2)
              : new Uint32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
          if (!equalBits(plane.data, expected)) {
            const at = firstDifference(plane.data, expected);
            expect.fail(
              `${f.file} ${want.name}: sample ${at} is ${plane.data[at]}, the bindings decode ${expected[at]}`,
            );
          }
        }
      }
    });
  }
});

/** Relative 1e-9 of the value, or of the channel's magnitude near zero (as python/conformance/compare_pixels.py). */
function close(ours: number | null, ref: number | null, scale: number | null): boolean {
  if (ours === null || ref === null) return ours === null && ref === null;
  return Math.abs(ours - ref) <= 1e-9 * Math.max(Math.abs(ref), scale ?? 0);
}

suite("stats agree with numpy over the bindings' pixels", () => {
  let dir = "";
  let files: Fixture[] = [];
  beforeAll(() => {
    dir = fixtures();
    files = (JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")) as { files: Fixture[] }).files;
  }, 180_000);

  // Different chunkings: one line (none), 16 lines (zip), 32 lines (piz) and 16x8 tiles per chunk.
  for (const compression of ["none", "zip", "piz"]) {
    it(`${compression}: counts, min and max exact; mean and stddev to 1e-9; constant; the pixel hash`, async () => {
      const mine = files.filter((f) => f.compression === compression);
      expect(mine.length).toBeGreaterThanOrEqual(28);
      for (const f of mine) {
        const bytes = new Uint8Array(readFileSync(path.join(dir, f.file)));
        const report = await pixelReport(new BufferSource(bytes, f.file), { stats: true });
        const level = report.parts[0]!.levels[0]!;
        // The documented pixel hash (src/core/pixels/pixel-hash.ts), from the bindings' pixels: SHA-256 over the
        // SHA-256 of each channel's raw little-endian rows, channels in stored (name) order, one level here.
        const outer = createHash("sha256");
        for (const c of [...f.channels].sort((a, b) => (a.name < b.name ? -1 : 1)))
          outer.update(
            createHash("sha256")
              .update(readFileSync(path.join(dir, c.bin)))
              .digest(),
          );
        expect(report.parts[0]!.pixel_hash, f.file).toBe(outer.digest("hex"));
        expect(
          level.channels.map((c) => c.name),
          f.file,
        ).toEqual(f.channels.map((c) => c.name));
        for (const want of f.channels) {
          const got = level.channels.find((c) => c.name === want.name)!;
          const where = `${f.file} ${want.name}`;
          expect(
            {
              type: got.type,
              nan_count: got.nan_count,
              inf_count: got.inf_count,
              finite_count: got.finite_count,
              min: got.min,
              max: got.max,
              constant: got.constant,
            },
            where,
          ).toEqual({
            type: want.type,
            nan_count: want.stats.nan_count,
            inf_count: want.stats.inf_count,
            finite_count: want.stats.finite_count,
            min: want.stats.min,
            max: want.stats.max,
            constant: want.stats.constant,
          });
          const s = want.stats;
          if (!close(got.mean, s.mean, s.scale)) expect.fail(`${where}: mean ${got.mean}, numpy ${s.mean}`);
          if (!close(got.stddev, s.stddev, s.scale))
            expect.fail(`${where}: stddev ${got.stddev}, numpy ${s.stddev}`);
        }
      }
    });
  }
});

function equalBits(a: Uint16Array | Uint32Array, b: Uint16Array | Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function firstDifference(a: Uint16Array | Uint32Array, b: Uint16Array | Uint32Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}
