/** OpenEXR's 2D Haar wavelet decoder (internal_piz.c wav_2D_decode), in place on 16-bit values. */

const A_OFFSET = 1 << 15;
const MOD_MASK = (1 << 16) - 1;

/** Sign-extends a 16-bit value. */
const s16 = (v: number) => (v << 16) >> 16;

export function wav2DDecode(
  buf: Uint16Array,
  base: number,
  nx: number,
  ox: number,
  ny: number,
  oy: number,
  mx: number,
): void {
  const w14 = mx < 1 << 14;
  const n = Math.min(nx, ny);
  let p = 1;
  while (p <= n) p <<= 1;
  p >>= 1;
  let p2 = p;
  p >>= 1;

  while (p >= 1) {
    let py = base;
    const ey = base + oy * (ny - p2);
    const oy1 = oy * p;
    const oy2 = oy * p2;
    const ox1 = ox * p;
    const ox2 = ox * p2;

    for (; py <= ey; py += oy2) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) {
        const p01 = px + ox1;
        const p10 = px + oy1;
        const p11 = p10 + ox1;
        if (w14) {
          const a = s16(buf[px]!);
          const b = s16(buf[p10]!);
          const c = s16(buf[p01]!);
          const d = s16(buf[p11]!);
          const i00 = a + (b & 1) + (b >> 1);
          const i10 = i00 - b;
          const i01 = c + (d & 1) + (d >> 1);
          const i11 = i01 - d;
          const ai = i00 + (i01 & 1) + (i01 >> 1);
          const bi = ai - i01;
          const ci = i10 + (i11 & 1) + (i11 >> 1);
          const di = ci - i11;
          buf[px] = ai;
          buf[p01] = bi;
          buf[p10] = ci;
          buf[p11] = di;
        } else {
          // wdec16 (*px, *p10) -> i00, i10; (*p01, *p11) -> i01, i11; then (i00, i01) and (i10, i11)
          let m = buf[px]!;
          let d = buf[p10]!;
          let bb = (m - (d >> 1)) & MOD_MASK;
          const i00 = (d + bb - A_OFFSET) & MOD_MASK;
          const i10 = bb;
          m = buf[p01]!;
          d = buf[p11]!;
          bb = (m - (d >> 1)) & MOD_MASK;
          const i01 = (d + bb - A_OFFSET) & MOD_MASK;
          const i11 = bb;
          bb = (i00 - (i01 >> 1)) & MOD_MASK;
          buf[px] = (i01 + bb - A_OFFSET) & MOD_MASK;
          buf[p01] = bb;
          bb = (i10 - (i11 >> 1)) & MOD_MASK;
          buf[p10] = (i11 + bb - A_OFFSET) & MOD_MASK;
          buf[p11] = bb;
        }
      }
      if (nx & p) {
        const p10 = px + oy1;
        decodePair(buf, px, p10, w14);
      }
    }
    if (ny & p) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) decodePair(buf, px, px + ox1, w14);
    }
    p2 = p;
    p >>= 1;
  }
}

/** wdec14 / wdec16 of (buf[i], buf[j]) written back to (buf[i], buf[j]). */
function decodePair(buf: Uint16Array, i: number, j: number, w14: boolean): void {
  if (w14) {
    const l = s16(buf[i]!);
    const h = s16(buf[j]!);
    const a = l + (h & 1) + (h >> 1);
    buf[i] = a;
    buf[j] = a - h;
  } else {
    const m = buf[i]!;
    const d = buf[j]!;
    const bb = (m - (d >> 1)) & MOD_MASK;
    buf[i] = (d + bb - A_OFFSET) & MOD_MASK;
    buf[j] = bb;
  }
}
