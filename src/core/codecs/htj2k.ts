import { type ChunkGeometry, type CodecResult, fail, type Htj2kDecode, sampledLine } from "./types.js";

/**
 * OpenEXR HTJ2K256 / HTJ2K32 (OpenEXRCore internal_ht.cpp, ht_undo_impl): a small header ("HT", a big-endian
 * u32 payload size, then a u16 count and for each JPEG 2000 component the OpenEXR channel it holds), then one
 * HTJ2K codestream per chunk; half channels are 16-bit components, float channels signed 32-bit components (both
 * with OpenEXR's binary-complement NLT, undone by the decoder), uint channels unsigned 32-bit components; RGB triples
 * may use the reversible colour transform; parts with subsampled channels are coded planar (each component at its
 * own size). The codestream is decoded by the host; its samples are copied back bit for bit, as OpenEXR does.
 */

const MAGIC = 0x4854; // "HT"

const be16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const be32 = (b: Uint8Array, i: number) =>
  ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;

interface Siz {
  width: number;
  height: number;
  /** Each component's horizontal and vertical sub-sampling. */
  sampling: { x: number; y: number }[];
}

/** The image size and components the codestream's SIZ marker declares (checked before decoding). */
function sizOf(cs: Uint8Array): Siz | null {
  if (cs.length < 42 || be16(cs, 0) !== 0xff4f || be16(cs, 2) !== 0xff51) return null;
  const n = be16(cs, 40);
  if (cs.length < 42 + 3 * n) return null;
  const sampling = [];
  for (let c = 0; c < n; c++) sampling.push({ x: cs[43 + 3 * c]!, y: cs[44 + 3 * c]! });
  return { width: be32(cs, 8) - be32(cs, 16), height: be32(cs, 12) - be32(cs, 20), sampling };
}

/** Where each channel's lines start in OpenEXR's unpacked block (stored order, line by line), or null. */
function lineStarts(g: ChunkGeometry): number[][] | null {
  const starts: number[][] = g.channels.map(() => []);
  let at = 0;
  for (let y = g.y0; y < g.y0 + g.height; y++)
    for (let c = 0; c < g.channels.length; c++) {
      const ch = g.channels[c]!;
      if (!sampledLine(ch, y)) continue;
      starts[c]!.push(at);
      at += ch.width * ch.bytes;
    }
  if (at !== g.unpackedBytes || g.channels.some((ch, c) => starts[c]!.length !== ch.height)) return null;
  return starts;
}

export function undoHtj2k(src: Uint8Array, g: ChunkGeometry, decode: Htj2kDecode): CodecResult {
  const n = g.channels.length;
  if (src.length < 8 || be16(src, 0) !== MAGIC)
    return fail("HTJ2K chunk header does not start with its magic number");
  const headerBytes = 6 + be32(src, 2);
  if (headerBytes > src.length) return fail("HTJ2K chunk header is longer than the chunk");
  const count = be16(src, 6);
  if (8 + 2 * count > src.length) return fail("HTJ2K channel map is cut off");
  if (count !== n) return fail(`HTJ2K channel map names ${count} channels, the part has ${n}`);
  const fileIndex: number[] = [];
  const seen = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const f = be16(src, 8 + 2 * i);
    if (f >= count || seen[f]) return fail("HTJ2K channel map has an invalid channel index");
    seen[f] = 1;
    fileIndex.push(f);
  }
  const cs = src.subarray(headerBytes);
  if (cs.length === 0) return fail("HTJ2K chunk has no codestream");
  const siz = sizOf(cs);
  if (!siz) return fail("HTJ2K codestream does not start with SOC and SIZ markers");
  if (siz.width !== g.width || siz.height !== g.height || siz.sampling.length !== n)
    return fail(
      `HTJ2K codestream is ${siz.width}x${siz.height} with ${siz.sampling.length} components; the chunk is ${g.width}x${g.height} with ${n} channels`,
    );
  // OpenEXR's checks (ht_undo_impl): each component is its channel's size, and that is the image over its sampling.
  let samples = 0;
  for (let c = 0; c < n; c++) {
    const ch = g.channels[fileIndex[c]!]!;
    const s = siz.sampling[c]!;
    if (
      s.x === 0 ||
      s.y === 0 ||
      ch.width !== Math.floor(siz.width / s.x) ||
      ch.height !== Math.floor(siz.height / s.y)
    )
      return fail(`HTJ2K component ${c} is sampled ${s.x}x${s.y}, which does not fit channel ${ch.name}`);
    samples += ch.width * ch.height;
  }
  const starts = lineStarts(g);
  if (!starts) return fail("HTJ2K channels do not fill the chunk");
  const planar = g.channels.some((ch) => ch.xSampling > 1 || ch.ySampling > 1);
  let image: ReturnType<Htj2kDecode>;
  try {
    image = decode(cs, planar, samples, n);
  } catch (e) {
    return fail(`HTJ2K codestream does not decode: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (image.width !== g.width || image.height !== g.height || image.components.length !== n)
    return fail("HTJ2K codestream decodes to another size than the chunk");
  const out = new Uint8Array(g.unpackedBytes);
  const d = image.samples;
  let s = 0;
  for (let c = 0; c < n; c++) {
    const f = fileIndex[c]!;
    const ch = g.channels[f]!;
    const dims = image.components[c]!;
    if (dims.width !== ch.width || dims.height !== ch.height)
      return fail("HTJ2K codestream decodes to another size than the chunk");
    if (s + ch.width * ch.height > d.length)
      return fail("HTJ2K decoder returned fewer samples than the chunk holds");
    for (let row = 0; row < ch.height; row++) {
      let o = starts[f]![row]!;
      if (ch.bytes === 2)
        for (let x = 0; x < ch.width; x++, s++) {
          const v = d[s]!;
          out[o++] = v & 0xff;
          out[o++] = (v >>> 8) & 0xff;
        }
      else
        for (let x = 0; x < ch.width; x++, s++) {
          const v = d[s]!;
          out[o++] = v & 0xff;
          out[o++] = (v >>> 8) & 0xff;
          out[o++] = (v >>> 16) & 0xff;
          out[o++] = v >>> 24;
        }
    }
  }
  return out;
}
