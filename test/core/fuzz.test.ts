import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import type { InspectionResult } from "../../src/core/model.js";
import { sampleFiles } from "../../src/core/write/sample-files.js";

/**
 * Property: no mutated or truncated file makes the inspector throw, and every result is well-formed.
 * Runs FUZZ_RUNS cases (default 100,000); a longer run: `FUZZ_RUNS=2000000 npx vitest run test/core/fuzz.test.ts`.
 * FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const BASE_NAMES = [
  "scanline_rgb_none.exr",
  "every_attribute_type.exr",
  "tiled_ripmap_up.exr",
  "multipart_mixed.exr",
  "deep_tiled.exr",
  "long_names.exr",
];

interface Base {
  bytes: Uint8Array;
  headerEnd: number;
  /** Positions of attribute size fields and offset-table entries: the "length fields" to blow up. */
  lengthFields: number[];
}

function prepareBases(): Base[] {
  return sampleFiles()
    .filter((s) => BASE_NAMES.includes(s.name))
    .map((s) => {
      const r = inspectBytes(s.bytes);
      const lengthFields: number[] = [];
      for (const p of r.parts) {
        for (const a of p.attributes) lengthFields.push(a.offset + a.name.length + 1 + a.type.length + 1);
        for (let c = 0; c < (p.chunk_count ?? 0); c++) lengthFields.push(p.offset_table_offset! + c * 8);
      }
      return { bytes: s.bytes, headerEnd: r.file.header_bytes!, lengthFields };
    });
}

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "overwrite"; at: number; byte: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "huge"; field: number; value: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant("overwrite" as const),
    at: position,
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: position, count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant("huge" as const),
    field: fc.nat(),
    value: fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff, 0x40000000, 0x10000, -1 >>> 0),
  }),
);

/** Positions favour the header (where parsing happens): 3 of 4 land inside it. */
function place(base: Base, len: number, at: number): number {
  const inHeader = at < 0.75;
  const span = inHeader ? Math.min(base.headerEnd, len) : len;
  const frac = inHeader ? at / 0.75 : (at - 0.75) / 0.25;
  return Math.min(len - 1, Math.floor(frac * span));
}

function apply(base: Base, muts: Mutation[]): Uint8Array {
  let bytes = base.bytes.slice();
  for (const m of muts) {
    if (bytes.length === 0) break;
    const at = "at" in m ? place(base, bytes.length, m.at) : 0;
    switch (m.kind) {
      case "flip":
        bytes[at]! ^= 1 << m.bit;
        break;
      case "overwrite":
        bytes[at] = m.byte;
        break;
      case "truncate":
        bytes = bytes.subarray(0, at);
        break;
      case "insert": {
        const out = new Uint8Array(bytes.length + m.bytes.length);
        out.set(bytes.subarray(0, at), 0);
        out.set(m.bytes, at);
        out.set(bytes.subarray(at), at + m.bytes.length);
        bytes = out;
        break;
      }
      case "delete": {
        const end = Math.min(bytes.length, at + m.count);
        const out = new Uint8Array(bytes.length - (end - at));
        out.set(bytes.subarray(0, at), 0);
        out.set(bytes.subarray(end), at);
        bytes = out;
        break;
      }
      case "huge": {
        const field = base.lengthFields[m.field % base.lengthFields.length]!;
        if (field + 4 <= bytes.length)
          new DataView(bytes.buffer, bytes.byteOffset).setUint32(field, m.value, true);
        break;
      }
    }
  }
  return bytes;
}

function checkWellFormed(r: InspectionResult, input: Uint8Array): void {
  expect(r.file.size_bytes).toBe(input.length);
  const hasError = r.validation.findings.some((f) => f.severity === "error");
  expect(r.validation.status === "error").toBe(hasError);
  if (r.file.is_complete) expect(r.file.header_bytes).not.toBeNull();
  for (const f of r.validation.findings) expect(f.code).toMatch(/^EXR_[A-Z0-9_]+$/);
  for (const p of r.parts) {
    for (const a of p.attributes) {
      expect(a.offset).toBeLessThan(input.length);
      expect(a.size).toBeLessThanOrEqual(input.length);
    }
  }
  JSON.stringify(r);
}

describe("fuzzing the inspector", () => {
  const bases = prepareBases();

  it("has its base files", () => {
    expect(bases).toHaveLength(BASE_NAMES.length);
    for (const b of bases) expect(inspectBytes(b.bytes).validation.status).not.toBe("error");
  });

  it(`${RUNS} mutated and truncated files: no exception, well-formed results`, { timeout: 600_000 }, () => {
    fc.assert(
      fc.property(
        fc.nat({ max: bases.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (baseIndex, muts) => {
          const base = bases[baseIndex]!;
          const input = apply(base, muts);
          checkWellFormed(inspectBytes(input, { maxHeaderBytes: 1 << 20 }), input);
        },
      ),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  });

  it(`${Math.ceil(RUNS / 10)} mutated files read incrementally give the same result as read at once`, () => {
    fc.assert(
      fc.property(
        fc.nat({ max: bases.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 8, max: 200 }),
        (baseIndex, muts, firstRead) => {
          const input = apply(bases[baseIndex]!, muts);
          const once = inspectBytes(input, { maxHeaderBytes: 1 << 20 });
          const grown = inspectBytes(input, { maxHeaderBytes: 1 << 20, initialReadBytes: firstRead });
          expect({ ...grown, file: { ...grown.file, bytes_read: 0 } }).toEqual({
            ...once,
            file: { ...once.file, bytes_read: 0 },
          });
        },
      ),
      { numRuns: Math.ceil(RUNS / 10), ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  });
});
