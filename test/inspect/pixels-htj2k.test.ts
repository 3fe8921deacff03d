import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { htj2kDecoder } from "../../src/inspect/htj2k-decoder.js";
import { pixelReport } from "../../src/inspect/pixel-report.js";
import { chunkRefs, planPixels } from "../../src/inspect/read-chunks.js";
import { readPixels } from "../../src/inspect/read-pixels.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import { itDecodesAsTheBindings } from "./bindings-fixtures.js";

// Written by the official OpenEXR 3.5.3 bindings (python/conformance/make_codec_fixtures.py), with the SHA-256 of
// the bindings' decoded samples per channel: our decode (OpenJPH 0.31.0 compiled to WebAssembly, native/openjph)
// must equal OpenEXR's bit for bit: half (16-bit components), float and uint (32-bit components), subsampled
// channels (planar codestreams).
/** The half bits of a whole number below 2048 (exact in half). */
function halfBits(n: number): number {
  if (n === 0) return 0;
  const e = Math.floor(Math.log2(n));
  return ((e + 15) << 10) | ((n / 2 ** e - 1) * 1024);
}

const DIR = join(import.meta.dirname, "../fixtures/htj2k");

/** A chunk's codestream and where it starts in the file (chunk header, then the HT header, then the codestream). */
async function codestreamOf(bytes: Uint8Array, chunk: number): Promise<{ at: number; end: number }> {
  const plan = await planPixels(new BufferSource(bytes));
  const ref = (await chunkRefs(new BufferSource(bytes), plan)).find((r) => r.chunk === chunk)!;
  const head = plan.layouts[0]!.tiling ? 20 : 8;
  const payload = new DataView(bytes.buffer).getUint32(ref.offset + head + 2, false);
  return { at: ref.offset + head + 6 + payload, end: ref.offset + ref.extent };
}

describe("HTJ2K256 / HTJ2K32 decode as OpenEXR does", () => {
  itDecodesAsTheBindings(DIR);

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

  it("a codestream OpenJPH refuses is a coded finding at its chunk, and the other chunks still decode", async () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, "htj2k32_tiled.exr")));
    const plan = await planPixels(new BufferSource(bytes));
    const refs = await chunkRefs(new BufferSource(bytes), plan);
    const { at } = await codestreamOf(bytes, 2);
    // The COD marker follows SIZ; its number of decomposition levels set to 33 (JPEG 2000 allows 32 at most).
    let cod = at;
    while (!(bytes[cod] === 0xff && bytes[cod + 1] === 0x52)) cod++;
    bytes[cod + 9] = 33;
    const r = await pixelReport(new BufferSource(bytes), { stats: true });
    const offset = refs.find((x) => x.chunk === 2)!.offset;
    expect(r.findings.map((f) => [f.code, f.chunk_index, f.byte_offset])).toEqual([
      ["EXR_CHUNK_CORRUPT", 2, offset],
    ]);
    expect(r.findings[0]!.message).toMatch(/does not decode/);
  });

  it("1,100 channels in one chunk (past the 1,024 components the decoder once allowed) decode to the written samples", async () => {
    // make_codec_fixtures.py: channel i holds 3i + y mod 2048 in every pixel of row y (8x4 pixels), exact in half.
    const px = await readPixels(
      new BufferSource(new Uint8Array(readFileSync(join(DIR, "htj2k256_1100_channels.exr")))),
    );
    expect(px.findings).toEqual([]);
    expect(px.channels.length).toBe(1100);
    const wrong = px.channels.filter((c, i) => {
      const want = Array.from({ length: 32 }, (_, p) => halfBits((3 * i + Math.floor(p / 8)) % 2048));
      return c.name !== `c${String(i).padStart(4, "0")}` || Array.from(c.data).join() !== want.join();
    });
    expect(wrong.map((c) => c.name)).toEqual([]);
  });

  it("a decode that takes too long is stopped, and the next decode starts a fresh worker", async () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, "htj2k32_subsampled.exr")));
    const { at, end } = await codestreamOf(bytes, 0);
    const good = bytes.slice(at, end);
    const decode = (await htj2kDecoder())!;
    const before = decode(good, true, 1 << 20, 5);
    // The first 32-line chunk: Y, Z, id at 44x32, BY sampled 2x2, RY sampled 2x1 (in the codestream's order).
    expect(before.components.map((c) => `${c.width}x${c.height}`).sort()).toEqual([
      "22x16",
      "22x32",
      "44x32",
      "44x32",
      "44x32",
    ]);
    expect(before.samples.length).toBe(3 * 44 * 32 + 22 * 16 + 22 * 32);
    // No time at all: the caller gives up at once and terminates the worker, as after a codestream that loops (a
    // warm worker may still answer a small codestream before the caller looks, so ask until it has not).
    const impatient = (await htj2kDecoder(0))!;
    expect(() => {
      for (let i = 0; i < 100; i++) impatient(good, true, 1 << 20, 5);
    }).toThrow(/longer than 0 ms/);
    // The production timeout: a fresh worker (WebAssembly compiled again) must answer within it on a loaded machine.
    expect(decode(good, true, 1 << 20, 5)).toEqual(before);
  }, 60_000);
});
