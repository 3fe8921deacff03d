import { describe, expect, it } from "vitest";
import { decodeLossyDct, inverseDct8x8 } from "../../../src/core/codecs/dwa-dct.js";
import { dwaToLinearTable } from "../../../src/core/codecs/dwa-tables.js";
import {
  BAND,
  BLOCK_BYTES,
  dctKernels,
  dctModuleBytes,
  MAX_BAND_BYTES,
} from "../../../src/core/codecs/dwa-wasm.js";
import { f16c } from "../../../src/core/codecs/f16c.js";
import { floatToHalf } from "../../../src/core/codecs/half.js";

/**
 * The WebAssembly inverse DCT and colour conversion against the JavaScript ones of dwa-dct.ts (which follow
 * OpenEXR's AVX path operation by operation): equal bit for bit on finite data, for every variant.
 */

const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;

/** A small deterministic generator (xorshift32), so a failure replays. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** Finite float32 values over many magnitudes, both signs, zeros of both signs among them. */
function sample(r: () => number): number {
  const k = r();
  if (k < 0.05) return k < 0.025 ? 0 : -0;
  return Math.fround((r() - 0.5) * 2 ** Math.floor(r() * 40 - 20));
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("dwa-wasm: the assembled module", () => {
  it("is valid WebAssembly and the kernels compile", () => {
    expect(wasm.validate(dctModuleBytes())).toBe(true);
    const k = dctKernels();
    expect(k).not.toBeNull();
    expect(k!.idct).toHaveLength(8);
    expect(k!.buffer().byteLength).toBeGreaterThanOrEqual(3 * BLOCK_BYTES);
  });

  for (let n = 1; n <= 8; n++)
    it(`idct${n} equals inverseDct8x8 with ${8 - n} zeroed rows, bit for bit, in each of the three blocks`, () => {
      const k = dctKernels()!;
      const r = random(1000 + n);
      for (let t = 0; t < 300; t++) {
        const base = (t % 3) * BLOCK_BYTES;
        const block = new Float32Array(64);
        for (let i = 0; i < 8 * n; i++) block[i] = sample(r);
        const memory = new Float32Array(k.buffer(), base, 64);
        memory.set(block);
        const other = new Float32Array(k.buffer(), ((t + 1) % 3) * BLOCK_BYTES, 64);
        other.fill(7);
        inverseDct8x8(block, 8 - n);
        k.idct[n - 1]!(base);
        expect(bitsOf(memory)).toEqual(bitsOf(block));
        // only its own block is written
        expect(Array.from(other)).toEqual(new Array(64).fill(7));
      }
    });
});

describe("dwa-wasm: halves", () => {
  /** Float bit patterns of every class f16c tells apart, and their neighbours. */
  const patterns = [
    0x3f800000, 0xbf800000, 0x3f801000, 0x3f803000, 0x3f801001, 0x38800000, 0x387fffff, 0x38000000,
    0xb3800000, 0x33000000, 0x33000001, 0x477fefff, 0x477ff000, 0x7f800000, 0xff800000, 0x7f800001,
    0xffc02000, 0, 0x80000000, 0x3e7a0000, 0x42c80000, 0xc2c80000, 0x40490fdb,
  ];

  for (const linear of [false, true])
    it(`is f16c then the ${linear ? "identity" : "nonlinear"} table, line by line at the stride`, () => {
      const k = dctKernels()!;
      const stride = 40;
      const table = k.prepare(8 * stride, new Uint16Array(0), linear ? null : dwaToLinearTable());
      const r = random(linear ? 5 : 6);
      const bits = Array.from({ length: 64 }, (_, i) =>
        i < patterns.length ? patterns[i]! : (r() * 2 ** 32) >>> 0,
      );
      new Uint32Array(k.buffer(), 2 * BLOCK_BYTES, 64).set(bits);
      const band = new Uint16Array(k.buffer(), BAND, (8 * stride) / 2);
      band.fill(0xabcd);
      k.halves(2 * BLOCK_BYTES, BAND + 6, stride, table);
      const lookup = linear ? (h: number) => h : (h: number) => dwaToLinearTable()[h]!;
      for (let y = 0; y < 8; y++) {
        const line = Array.from(band.subarray((y * stride) / 2, ((y + 1) * stride) / 2));
        const want = Array.from({ length: stride / 2 }, (_, x) =>
          x >= 3 && x < 11 ? lookup(f16c(bits[8 * y + x - 3]!)) : 0xabcd,
        );
        expect(line, `line ${y}`).toEqual(want);
      }
    });

  it("prepare grows the memory for a wide band, and halves writes past the first pages", () => {
    const k = dctKernels()!;
    const bandBytes = 3 * 8 * 16 * 4096;
    const table = k.prepare(bandBytes, new Uint16Array(0), null);
    expect(k.buffer().byteLength).toBeGreaterThanOrEqual(BAND + bandBytes);
    new Float32Array(k.buffer(), 0, 64).fill(0.5);
    const last = BAND + bandBytes - 7 * 1024 - 16;
    k.halves(0, last, 1024, table);
    expect(new Uint16Array(k.buffer(), last + 7 * 1024, 8)).toEqual(new Uint16Array(8).fill(0x3800));
  });
});

/** A finite half coefficient of either sign, |value| < 2^9 (no infinities: they would make NaNs in the DCT). */
const coefficient = (r: () => number) => floatToHalf((r() - 0.5) * 2 ** Math.floor(r() * 24 - 14));

/** A random AC stream of `blocks` blocks (runs of zeros between values, some blocks DC only) and their DCs. */
function stream(r: () => number, blocks: number) {
  const ac: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const last = r() < 0.15 ? 0 : 1 + Math.floor(r() * 63);
    let comp = 1;
    while (comp <= last) {
      if (r() < 0.3 && comp < last) {
        const run = 1 + Math.floor(r() * (last - comp));
        ac.push(0xff00 | run);
        comp += run;
      } else {
        ac.push(coefficient(r));
        comp++;
      }
    }
    if (comp < 64) ac.push(0xff00);
  }
  const dc = Uint16Array.from({ length: blocks }, () => coefficient(r));
  return { ac: Uint16Array.from(ac), dc };
}

describe("decodeLossyDct: WebAssembly kernels and JavaScript give the same bytes", () => {
  it("a line too wide for the kernels' band is decoded in JavaScript, as the narrow one is with the kernels", () => {
    const k = dctKernels()!;
    const blocksX = MAX_BAND_BYTES / 128 + 1;
    expect(k.prepare(blocksX * 128, new Uint16Array(0), null)).toBe(-1);
    expect(k.prepare(MAX_BAND_BYTES, new Uint16Array(0), null)).toBeGreaterThanOrEqual(0);
    const decodeLine = (width: number) => {
      const blocks = Math.ceil(width / 8);
      const dc = Uint16Array.from({ length: blocks }, (_, i) => floatToHalf(1 + (i % 3)));
      const out = new Uint8Array(2 * width);
      const coefficients = { ac: new Uint16Array(blocks).fill(0xff00), acPos: 0, dc, dcPos: 0 };
      expect(
        decodeLossyDct(out, [{ rows: [0], isFloat: false }], width, 1, coefficients, null, k),
      ).toBeNull();
      return new Uint16Array(out.buffer);
    };
    const wide = decodeLine(blocksX * 8 - 3);
    const narrow = decodeLine(29);
    expect(Array.from(wide.subarray(0, 24))).toEqual(Array.from(narrow.subarray(0, 24)));
    expect(new Set(narrow).size).toBe(3);
    expect(wide[wide.length - 1]).toBe(
      narrow[(blocksX - 1) % 3 === 0 ? 0 : (blocksX - 1) % 3 === 1 ? 8 : 16],
    );
  });

  it("AC coefficients that run out mid-block fail the same way on both paths, at every cut", () => {
    const r = random(77);
    const { ac, dc } = stream(r, 6);
    const channels = [{ rows: Array.from({ length: 16 }, (_, y) => y * 48), isFloat: false }];
    for (let cut = 0; cut < ac.length; cut++) {
      const run = (kernels: ReturnType<typeof dctKernels>) =>
        decodeLossyDct(
          new Uint8Array(48 * 16),
          channels,
          24,
          16,
          { ac: ac.subarray(0, cut), acPos: 0, dc, dcPos: 0 },
          null,
          kernels,
        );
      expect(run(dctKernels()), `cut at ${cut}`).toEqual({ failure: "DWA AC coefficients run out" });
      expect(run(null)).toEqual({ failure: "DWA AC coefficients run out" });
    }
  });

  // 24 then 200: the second band (one channel, 25 blocks) is wider than the first (three channels, 3 blocks), so the
  // kernels move the shared stream behind it mid-chunk; 200 then 24: it stays.
  for (const [first, second] of [
    [24, 200],
    [200, 24],
  ] as const)
    it(`a chunk's channels share one AC stream: ${first} then ${second} samples wide, as in JavaScript`, () => {
      const r = random(first);
      const height = 11;
      const blocks = (w: number) => Math.ceil(w / 8) * Math.ceil(height / 8);
      const a = stream(r, 3 * blocks(first));
      const b = stream(r, blocks(second));
      const ac = Uint16Array.from([...a.ac, ...b.ac]);
      const dc = Uint16Array.from([...a.dc, ...b.dc]);
      const rows = (w: number, n: number, c: number, at: number) =>
        Array.from({ length: height }, (_, y) => at + (y * n + c) * w * 2);
      const triple = [0, 1, 2].map((c) => ({ rows: rows(first, 3, c, 0), isFloat: false }));
      const single = [{ rows: rows(second, 1, 0, 3 * first * height * 2), isFloat: false }];
      const run = (kernels: ReturnType<typeof dctKernels>) => {
        const out = new Uint8Array(2 * height * (3 * first + second));
        const k = { ac, acPos: 0, dc, dcPos: 0 };
        expect(decodeLossyDct(out, triple, first, height, k, dwaToLinearTable(), kernels)).toBeNull();
        expect(decodeLossyDct(out, single, second, height, k, null, kernels)).toBeNull();
        expect([k.acPos, k.dcPos]).toEqual([ac.length, dc.length]);
        return out;
      };
      expect(Buffer.from(run(dctKernels())).equals(Buffer.from(run(null)))).toBe(true);
    });

  for (const numComp of [1, 3])
    for (const linear of [false, true])
      it(`${numComp === 3 ? "an R'G'B' triple" : "one channel"}, ${linear ? "pLinear" : "through the nonlinear table"}, partial blocks`, () => {
        const r = random(numComp * 10 + (linear ? 1 : 0));
        const seen = new Set<number>();
        for (let t = 0; t < 40; t++) {
          const width = 1 + Math.floor(r() * 30);
          const height = 1 + Math.floor(r() * 20);
          const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
          const parts = Array.from({ length: numComp }, () => stream(r, blocks));
          const ac = Uint16Array.from(parts.flatMap((p) => Array.from(p.ac)));
          const dc = Uint16Array.from(parts.flatMap((p) => Array.from(p.dc)));
          const channels = Array.from({ length: numComp }, (_, c) => ({
            rows: Array.from({ length: height }, (_, y) => (y * numComp + c) * width * 2),
            isFloat: false,
          }));
          const table = linear ? null : dwaToLinearTable();
          const run = (kernels: ReturnType<typeof dctKernels>) => {
            const out = new Uint8Array(width * height * numComp * 2);
            const k = { ac, acPos: 0, dc, dcPos: 0 };
            expect(decodeLossyDct(out, channels, width, height, k, table, kernels)).toBeNull();
            expect([k.acPos, k.dcPos]).toEqual([ac.length, dc.length]);
            return out;
          };
          const js = run(null);
          // the kernels take this band and stream (decodeLossyDct then uses them, not its JavaScript path)
          expect(
            dctKernels()!.prepare(numComp * 128 * Math.ceil(width / 8), ac, table),
          ).toBeGreaterThanOrEqual(0);
          const viaWasm = run(dctKernels());
          expect(Buffer.from(viaWasm).equals(Buffer.from(js)), `case ${t}: ${width}x${height}`).toBe(true);
          for (const h of new Uint16Array(js.buffer)) seen.add(h);
        }
        // the blocks are not flat: the comparison covers the DCT, not only DC-only shortcuts
        expect(seen.size).toBeGreaterThan(1000);
      });
});
