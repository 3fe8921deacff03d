import { floatToHalf, halfToFloatTable } from "./half.js";
import { type ChunkGeometry, type CodecResult, fail, sampledLine } from "./types.js";

let logTable: Uint16Array | null = null;

/** exrcore_logTable: 8 * log(x) per half value, for p_linear channels. */
function linearTable(): Uint16Array {
  if (logTable) return logTable;
  const t = new Uint16Array(65536);
  for (let x = 0; x < 65536; x++) {
    if ((x & 0x7c00) === 0x7c00 || x > 0x8000) t[x] = 0;
    else t[x] = floatToHalf(Math.fround(8 * Math.fround(Math.log(halfToFloatTable[x]!))));
  }
  logTable = t;
  return t;
}

function unpack14(b: Uint8Array, i: number, s: Uint16Array): void {
  s[0] = (b[i]! << 8) | b[i + 1]!;
  const shift = b[i + 2]! >> 2;
  const bias = 0x20 << shift;
  const d = (v: number) => ((v & 0x3f) << shift) - bias;
  s[4] = s[0]! + d((b[i + 2]! << 4) | (b[i + 3]! >> 4));
  s[8] = s[4]! + d((b[i + 3]! << 2) | (b[i + 4]! >> 6));
  s[12] = s[8]! + d(b[i + 4]!);
  s[1] = s[0]! + d(b[i + 5]! >> 2);
  s[5] = s[4]! + d((b[i + 5]! << 4) | (b[i + 6]! >> 4));
  s[9] = s[8]! + d((b[i + 6]! << 2) | (b[i + 7]! >> 6));
  s[13] = s[12]! + d(b[i + 7]!);
  s[2] = s[1]! + d(b[i + 8]! >> 2);
  s[6] = s[5]! + d((b[i + 8]! << 4) | (b[i + 9]! >> 4));
  s[10] = s[9]! + d((b[i + 9]! << 2) | (b[i + 10]! >> 6));
  s[14] = s[13]! + d(b[i + 10]!);
  s[3] = s[2]! + d(b[i + 11]! >> 2);
  s[7] = s[6]! + d((b[i + 11]! << 4) | (b[i + 12]! >> 4));
  s[11] = s[10]! + d((b[i + 12]! << 2) | (b[i + 13]! >> 6));
  s[15] = s[14]! + d(b[i + 13]!);
  for (let k = 0; k < 16; k++) {
    const v = s[k]!;
    s[k] = v & 0x8000 ? v & 0x7fff : ~v;
  }
}

function unpack3(b: Uint8Array, i: number, s: Uint16Array): void {
  let v = (b[i]! << 8) | b[i + 1]!;
  v = v & 0x8000 ? v & 0x7fff : ~v & 0xffff;
  s.fill(v);
}

/** OpenEXR B44 / B44A (uncompress_b44_impl): 4x4 blocks of half channels, other channels stored raw. */
export function undoB44(src: Uint8Array, g: ChunkGeometry): CodecResult {
  const outSize = g.unpackedBytes;
  const planes: Uint8Array[] = [];
  const s = new Uint16Array(16);
  let bIn = 0;
  for (const c of g.channels) {
    const nx = c.width;
    const ny = c.height;
    const nBytes = nx * ny * c.bytes;
    if (nBytes === 0) {
      planes.push(new Uint8Array(0));
      continue;
    }
    if (c.type !== "half") {
      if (bIn + nBytes > src.length) return fail("B44 data is shorter than its raw channels");
      planes.push(src.subarray(bIn, bIn + nBytes));
      bIn += nBytes;
      continue;
    }
    const plane = new Uint16Array(nx * ny);
    const lin = c.pLinear ? linearTable() : null;
    for (let y = 0; y < ny; y += 4) {
      for (let x = 0; x < nx; x += 4) {
        if (bIn + 3 > src.length) return fail("B44 data is shorter than its blocks");
        if (src[bIn + 2]! >= 13 << 2) {
          unpack3(src, bIn, s);
          bIn += 3;
        } else {
          if (bIn + 14 > src.length) return fail("B44 data is shorter than its blocks");
          unpack14(src, bIn, s);
          bIn += 14;
        }
        if (lin) for (let k = 0; k < 16; k++) s[k] = lin[s[k]!]!;
        const n = Math.min(4, nx - x);
        const rows = Math.min(4, ny - y);
        for (let r = 0; r < rows; r++) {
          const at = (y + r) * nx + x;
          for (let k = 0; k < n; k++) plane[at + k] = s[r * 4 + k]!;
        }
      }
    }
    planes.push(new Uint8Array(plane.buffer));
  }

  const out = new Uint8Array(outSize);
  let o = 0;
  for (let y = 0; y < g.height; y++) {
    const cury = y + g.y0;
    for (let ci = 0; ci < g.channels.length; ci++) {
      const c = g.channels[ci]!;
      const bpl = c.width * c.bytes;
      if (bpl * c.height === 0 || !sampledLine(c, cury)) continue;
      const row = c.ySampling > 1 ? Math.floor(y / c.ySampling) : y;
      if (o + bpl > outSize) return fail("B44 lines do not fit the chunk");
      out.set(planes[ci]!.subarray(row * bpl, row * bpl + bpl), o);
      o += bpl;
    }
  }
  return out;
}
