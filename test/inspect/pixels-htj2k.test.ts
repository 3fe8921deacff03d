import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HTJ2K_DECODE_TIMEOUT_MS, htj2kDecoder } from "../../src/inspect/htj2k-decoder.js";
import { pixelReport, pixelReportFile } from "../../src/inspect/pixel-report.js";
import { chunkRefs, planPixels } from "../../src/inspect/read-chunks.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import { itDecodesAsTheBindings } from "./bindings-fixtures.js";

// Written by the official OpenEXR 3.5.3 bindings (python/conformance/make_codec_fixtures.py), with the SHA-256 of
// the bindings' decoded samples per channel: our decode (OpenJPH's WebAssembly build for the codestream) must equal
// OpenEXR's bit for bit.
const DIR = join(import.meta.dirname, "../fixtures/htj2k");

describe("HTJ2K256 / HTJ2K32 half channels decode as OpenEXR does", () => {
  itDecodesAsTheBindings(DIR);

  it("float channels are reported as EXR_UNSUPPORTED_COMPRESSION, never guessed", async () => {
    const r = await pixelReportFile(join(DIR, "htj2k256_float.exr"), { stats: true });
    expect(r.findings.map((f) => f.code)).toEqual(["EXR_UNSUPPORTED_COMPRESSION"]);
    expect(r.findings[0]!.message).toMatch(/32-bit components/);
    expect(r.parts).toEqual([]);
  });

  it("a codestream whose SIZ disagrees with its chunk is a coded finding at that chunk, not a decoder call", async () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, "htj2k256_scanline.exr")));
    const plan = await planPixels(new BufferSource(bytes));
    const first = (await chunkRefs(new BufferSource(bytes), plan)).find((r) => r.chunk === 0)!;
    // Chunk header (y, size: 8 bytes), the HT header (6 + payload bytes), then SOC, SIZ: Xsiz at +8.
    const view = new DataView(bytes.buffer);
    const payload = view.getUint32(first.offset + 8 + 2, false);
    const cs = first.offset + 8 + 6 + payload;
    expect(view.getUint16(cs, false)).toBe(0xff4f);
    view.setUint32(cs + 8, 0x7fffffff, false);
    const r = await pixelReport(new BufferSource(bytes), { stats: true });
    expect(r.findings.map((f) => [f.code, f.chunk_index, f.byte_offset])).toEqual([
      ["EXR_CHUNK_CORRUPT", 0, first.offset],
    ]);
    expect(r.findings[0]!.message).toMatch(/SIZ|components|x/);
  });

  it("a codestream that makes OpenJPH loop is stopped after the decode timeout and reported at its chunk", async () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, "htj2k32_tiled.exr")));
    const plan = await planPixels(new BufferSource(bytes));
    const third = (await chunkRefs(new BufferSource(bytes), plan)).find((r) => r.chunk === 2)!;
    // One byte of the codestream's quantisation marker (found by fuzzing): OpenJPH then never returns.
    expect(bytes[third.offset + 89]).toBe(1);
    bytes[third.offset + 89] = 42;
    const started = Date.now();
    const r = await pixelReport(new BufferSource(bytes), { stats: true });
    expect(Date.now() - started).toBeLessThan(HTJ2K_DECODE_TIMEOUT_MS + 20_000);
    const corrupt = r.findings.filter((f) => f.code === "EXR_CHUNK_CORRUPT");
    expect(corrupt.map((f) => [f.chunk_index, f.byte_offset])).toEqual([[2, third.offset]]);
    expect(corrupt[0]!.message).toMatch(/longer than/);
  }, 60_000);

  it("the same decoder goes on decoding after a codestream that had to be stopped (a fresh worker answers)", async () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, "htj2k32_tiled.exr")));
    const refs = await chunkRefs(new BufferSource(bytes), await planPixels(new BufferSource(bytes)));
    // A tiled chunk: four int32 tile coordinates and the size (20 bytes), then the HT header (magic, payload
    // length, payload), then the codestream.
    const codestream = (chunk: number) => {
      const at = refs.find((r) => r.chunk === chunk)!.offset;
      const payload = new DataView(bytes.buffer).getUint32(at + 20 + 2, false);
      return bytes.slice(at + 20 + 6 + payload, at + refs.find((r) => r.chunk === chunk)!.extent);
    };
    const good = codestream(3);
    bytes[refs.find((r) => r.chunk === 2)!.offset + 89] = 42;
    const looping = codestream(2);
    // The production timeout: a fresh worker (WebAssembly compiled again) must answer within it on a loaded machine.
    const decode = (await htj2kDecoder())!;
    const before = decode(good, 1 << 20);
    expect(() => decode(looping, 1 << 20)).toThrow(new RegExp(`longer than ${HTJ2K_DECODE_TIMEOUT_MS} ms`));
    const after = decode(good, 1 << 20);
    expect(after.width).toBeGreaterThan(0);
    expect(after).toEqual(before);
  }, 60_000);
});
