/**
 * Every codec against the official OpenEXR bindings: files the bindings write in each compression (scanline and
 * tiled; half, float, uint and mixed channels; noise, smooth and blocky planes; sizes off the block grid) decode
 * with exr-inspector to the bits the bindings decode from them. The files come from
 * python/conformance/codec_fixtures.py, generated once per version of that script into the system temp directory
 * (so the mutation run decodes them again for each mutant without re-running Python).
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readPixels } from "../../../src/inspect/read-pixels.js";
import { BufferSource } from "../../../src/io/buffer-source.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SCRIPT = path.join(ROOT, "python/conformance/codec_fixtures.py");
// EXR_INSPECTOR_PYTHON: set by `npm run test:mutation`, whose sandbox copy of the repo has no .venv
const PYTHON = process.env.EXR_INSPECTOR_PYTHON ?? path.join(ROOT, ".venv/bin/python");
const hasBindings =
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import OpenEXR, numpy"], { stdio: "ignore" }).status === 0;

interface Fixture {
  file: string;
  compression: string;
  channels: { name: string; type: "half" | "float" | "uint"; width: number; height: number; bin: string }[];
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

  for (const compression of ["none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a", "dwaa", "dwab"]) {
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

function equalBits(a: Uint16Array | Uint32Array, b: Uint16Array | Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function firstDifference(a: Uint16Array | Uint32Array, b: Uint16Array | Uint32Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}
