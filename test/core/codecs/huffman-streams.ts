/**
 * OpenEXR Huffman streams (internal_huf.c) made by hand for tests: a code table from chosen code lengths, packed as
 * hufPackEncTable writes it, and symbols written MSB first with OpenEXR's canonical codes.
 */

const SHORT_ZEROCODE_RUN = 59;
const LONG_ZEROCODE_RUN = 63;
const SHORTEST_LONG_RUN = 6;
const LONGEST_LONG_RUN = 255 + SHORTEST_LONG_RUN;

export class Bits {
  readonly bits: number[] = [];
  put(n: number, v: number | bigint): this {
    const x = BigInt(v);
    for (let k = n - 1; k >= 0; k--) this.bits.push(Number((x >> BigInt(k)) & 1n));
    return this;
  }
  bytes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.bits.length; i += 8) {
      let v = 0;
      for (let k = 0; k < 8; k++) v = (v << 1) | (this.bits[i + k] ?? 0);
      out.push(v);
    }
    return out;
  }
}

/** hufCanonicalCodeTable: per length, consecutive codes in symbol order; longer codes below shorter ones. */
function canonical(lengths: ReadonlyMap<number, number>): Map<number, bigint> {
  const n = new Array<bigint>(59).fill(0n);
  for (const l of lengths.values()) n[l]! += 1n;
  let c = 0n;
  for (let i = 58; i > 0; i--) {
    const nc = (c + n[i]!) >> 1n;
    n[i] = c;
    c = nc;
  }
  const codes = new Map<number, bigint>();
  for (const s of [...lengths.keys()].sort((a, b) => a - b)) {
    const l = lengths.get(s)!;
    codes.set(s, n[l]!);
    n[l]! += 1n;
  }
  return codes;
}

/** hufPackEncTable: 6 bits per symbol of [im, iM], runs of zero lengths as short (2–5) or long (6–261) runs. */
function packTable(lengths: ReadonlyMap<number, number>, im: number, iM: number): Bits {
  const out = new Bits();
  for (let s = im; s <= iM; s++) {
    const l = lengths.get(s) ?? 0;
    if (l === 0) {
      let run = 1;
      while (s < iM && run < LONGEST_LONG_RUN && !lengths.get(s + 1)) {
        s++;
        run++;
      }
      if (run >= SHORTEST_LONG_RUN) {
        out.put(6, LONG_ZEROCODE_RUN).put(8, run - SHORTEST_LONG_RUN);
        continue;
      }
      if (run >= 2) {
        out.put(6, SHORT_ZEROCODE_RUN + run - 2);
        continue;
      }
    }
    out.put(6, l);
  }
  return out;
}

export type Item = number | { run: number };

export interface Stream {
  lengths: Record<number, number>;
  im: number;
  /** Also the run-length code. */
  iM: number;
  /** Symbols, or runs (the run code then an 8-bit count). */
  items: Item[];
  /** Bits appended after the items (counted in nBits). */
  extra?: (b: Bits) => void;
  /** nBits in the header instead of the bits written. */
  nBits?: (written: number) => number;
  /** Replaces the packed table. */
  table?: Bits;
}

export function stream(s: Stream): Uint8Array {
  const lengths = new Map(Object.entries(s.lengths).map(([k, v]) => [Number(k), v]));
  const codes = canonical(lengths);
  const table = (s.table ?? packTable(lengths, s.im, s.iM)).bytes();
  const data = new Bits();
  for (const item of s.items) {
    if (typeof item === "number") data.put(lengths.get(item)!, codes.get(item)!);
    else data.put(lengths.get(s.iM)!, codes.get(s.iM)!).put(8, item.run);
  }
  s.extra?.(data);
  const written = data.bits.length;
  const nBits = s.nBits ? s.nBits(written) : written;
  const head = new Uint8Array(20);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, s.im, true);
  dv.setUint32(4, s.iM, true);
  dv.setUint32(8, table.length, true);
  dv.setUint32(12, nBits, true);
  return new Uint8Array([...head, ...table, ...data.bytes()]);
}
