import { type ChunkGeometry, type CodecResult, fail, type Htj2kDecode } from "./types.js";

/**
 * OpenEXR HTJ2K256 / HTJ2K32 (OpenEXRCore internal_ht.cpp, ht_undo_impl): a small header ("HT", a big-endian
 * u32 payload size, then a u16 count and for each JPEG 2000 component the OpenEXR channel it holds), then one
 * HTJ2K codestream per chunk; half channels are 16-bit components (OpenEXR's binary-complement NLT undone by the
 * decoder), RGB triples may use the reversible colour transform. The codestream is decoded by the host.
 */

const MAGIC = 0x4854; // "HT"

/** Why the host decoder cannot decode this part's chunks, or null when it can (all channels half, full resolution). */
export function htj2kUnsupported(
  channels: readonly { type: string; xSampling: number; ySampling: number }[],
): string | null {
  if (channels.some((c) => c.type !== "half"))
    return "float and uint channels (32-bit components) are not decoded exactly by the available HTJ2K decoder";
  if (channels.some((c) => c.xSampling !== 1 || c.ySampling !== 1))
    return "subsampled channels (planar HTJ2K) are not decoded by the available HTJ2K decoder";
  return null;
}

const be16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const be32 = (b: Uint8Array, i: number) =>
  ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;

/** The image size and component count the codestream's SIZ marker declares (checked before decoding). */
function sizOf(cs: Uint8Array): { width: number; height: number; components: number } | null {
  if (cs.length < 42 || be16(cs, 0) !== 0xff4f || be16(cs, 2) !== 0xff51) return null;
  return { width: be32(cs, 8) - be32(cs, 16), height: be32(cs, 12) - be32(cs, 20), components: be16(cs, 40) };
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
  if (siz.width !== g.width || siz.height !== g.height || siz.components !== n)
    return fail(
      `HTJ2K codestream is ${siz.width}x${siz.height} with ${siz.components} components; the chunk is ${g.width}x${g.height} with ${n} channels`,
    );
  let image: ReturnType<Htj2kDecode>;
  try {
    image = decode(cs, g.width * g.height * n * 2);
  } catch (e) {
    return fail(`HTJ2K codestream does not decode: ${e instanceof Error ? e.message : String(e)}`);
  }
  const w = g.width;
  if (image.width !== w || image.height !== g.height || image.components !== n || image.bitsPerSample !== 16)
    return fail("HTJ2K codestream decodes to another size than the chunk");
  if (image.data.length < w * g.height * n * 2)
    return fail("HTJ2K decoder returned fewer samples than the chunk holds");
  // Lines of channels in stored order; channel k's samples start at k * w * 2 in each line (all half).
  const out = new Uint8Array(g.unpackedBytes);
  const line = n * w * 2;
  if (line * g.height !== out.length) return fail("HTJ2K channels do not fill the chunk");
  const d = image.data;
  for (let y = 0; y < g.height; y++) {
    for (let c = 0; c < n; c++) {
      let o = y * line + fileIndex[c]! * w * 2;
      let s = (y * w * n + c) * 2;
      for (let x = 0; x < w; x++, s += 2 * n) {
        out[o++] = d[s]!;
        out[o++] = d[s + 1]!;
      }
    }
  }
  return out;
}
