import { describe, expect, it } from "vitest";
import { hufDecompress } from "../../../src/core/codecs/huffman.js";
import { Bits, type Item, type Stream, stream } from "./huffman-streams.js";

/**
 * OpenEXR's Huffman streams (internal_huf.c) made by hand: a code table from chosen code lengths, packed as
 * hufPackEncTable writes it, and symbols written MSB first with OpenEXR's canonical codes. Valid streams decode to
 * the symbols written; each kind of damage gives its own failure (mutation testing, issue 20). Real streams from the
 * official encoder are decoded in official-codecs.test.ts (PIZ and DWAA).
 */

/** What the items decode to: symbols, runs repeating the previous value. */
function expand(items: Item[]): number[] {
  const out: number[] = [];
  for (const item of items) {
    if (typeof item === "number") out.push(item);
    else for (let k = 0; k < item.run; k++) out.push(out[out.length - 1]!);
  }
  return out;
}

function decodes(s: Stream, nRaw?: number): number[] | string {
  const want = expand(s.items);
  const r = hufDecompress(stream(s), nRaw ?? want.length);
  return r instanceof Uint16Array ? [...r] : r.failure;
}

/** Code lengths 1, 2, …, top−1 and two of length `top` (a complete code), on symbols from `first` up. */
function chain(first: number, top: number): Record<number, number> {
  const lengths: Record<number, number> = {};
  for (let l = 1; l < top; l++) lengths[first + l - 1] = l;
  lengths[first + top - 1] = top;
  lengths[first + top] = top;
  return lengths;
}

/** Every symbol of a table but the run code (the last), repeated, long and short codes next to each other. */
function mix(lengths: Record<number, number>, times: number): number[] {
  const syms = Object.keys(lengths)
    .map(Number)
    .sort((a, b) => a - b)
    .slice(0, -1);
  const out: number[] = [];
  for (let t = 0; t < times; t++)
    for (let i = 0; i < syms.length; i++) out.push(syms[(i * 7 + t) % syms.length]!);
  return out;
}

// A small table: 3, 4, 5 and the run code 7 have 2-bit codes; 6 has none (one zero length, written as 6 bits).
const SMALL = { lengths: { 3: 2, 4: 2, 5: 2, 7: 2 }, im: 3, iM: 7 };

describe("Huffman streams made by hand decode to their symbols", () => {
  it("short codes, literals and runs, in the main loop and in the last bits", () => {
    const items: Item[] = [
      3,
      4,
      5,
      5,
      { run: 3 },
      4,
      3,
      3,
      5,
      4,
      { run: 0 },
      3,
      4,
      5,
      3,
      4,
      4,
      3,
      { run: 255 },
    ];
    for (let n = 1; n <= items.length; n++) {
      const part = items.slice(0, n);
      expect(decodes({ ...SMALL, items: part }), `first ${n}`).toEqual(expand(part));
    }
  });

  it("a table starting at symbol 0 and one ending at the last symbol, 65,536", () => {
    const items = [0, 1, 1, 0, 2, { run: 5 }, 0];
    expect(decodes({ lengths: { 0: 1, 1: 2, 2: 3, 3: 3 }, im: 0, iM: 3, items })).toEqual(expand(items));
    const high = [65533, 65534, 65535, 65533, { run: 2 }, 65535];
    expect(
      decodes({ lengths: { 65533: 2, 65534: 2, 65535: 2, 65536: 2 }, im: 65533, iM: 65536, items: high }),
    ).toEqual(expand(high));
  });

  it("zero-length runs of every size in the table (short runs 2–5, long runs 6–261)", () => {
    for (const gap of [1, 2, 3, 4, 5, 6, 7, 100, 260, 261, 262, 300, 600]) {
      const a = 1000;
      const b = a + gap + 1;
      const c = b + 1;
      const lengths = { [a]: 1, [b]: 2, [c]: 2 };
      const items = [a, b, a, { run: 4 }, b, a];
      expect(decodes({ lengths, im: a, iM: c, items }), `gap ${gap}`).toEqual(expand(items));
      // the gap before the first code too
      expect(decodes({ lengths, im: a - gap, iM: c, items }), `leading gap ${gap}`).toEqual(expand(items));
    }
  });

  it("codes of 15–20 bits (second-level tables), next to short codes, at every bit offset", () => {
    const lengths = chain(100, 20);
    const syms = Object.keys(lengths).map(Number);
    const iM = Math.max(...syms);
    for (let shift = 0; shift < 8; shift++) {
      const items: Item[] = [...new Array(shift).fill(100), ...mix(lengths, 3), { run: 2 }, 118, 119];
      expect(decodes({ lengths, im: 100, iM, items }), `shift ${shift}`).toEqual(expand(items));
    }
  });

  it("codes of 21–30 bits (the candidate list), and a long code in the stream's last bits", () => {
    const lengths = chain(200, 30);
    const syms = Object.keys(lengths).map(Number);
    const iM = Math.max(...syms);
    for (let shift = 0; shift < 8; shift++) {
      const items: Item[] = [...new Array(shift).fill(200), ...mix(lengths, 2), { run: 1 }, 229];
      expect(decodes({ lengths, im: 200, iM, items }), `shift ${shift}`).toEqual(expand(items));
      for (const last of [213, 214, 219, 228, 229])
        expect(decodes({ lengths, im: 200, iM, items: [200, 201, last] }), `last ${last}`).toEqual([
          200,
          201,
          last,
        ]);
    }
  });

  it("codes up to 52 bits decode; a 53-bit code is refused", () => {
    const lengths = chain(0, 52);
    const items = [51, 0, 50, 13, 14, 15, 51, 1, 30, 45];
    expect(decodes({ lengths, im: 0, iM: 52, items })).toEqual(items);
    expect(decodes({ lengths: chain(0, 53), im: 0, iM: 53, items: [0] })).toBe(
      "Huffman code length 53 is longer than any real encoder writes",
    );
    expect(decodes({ lengths: chain(0, 58), im: 0, iM: 58, items: [0] })).toBe(
      "Huffman code length 53 is longer than any real encoder writes",
    );
    const only58 = { ...chain(0, 52), 52: 0, 53: 58 };
    expect(decodes({ lengths: only58, im: 0, iM: 53, items: [0] })).toBe(
      "Huffman code length 58 is longer than any real encoder writes",
    );
  });

  it("a second-level table with codes of different lengths under one entry (14 + 1 … 14 + 10 bits)", () => {
    for (const top of [15, 16, 23, 24, 25]) {
      const lengths = chain(1000, top);
      const syms = Object.keys(lengths).map(Number);
      const iM = Math.max(...syms);
      const items: Item[] = [...mix(lengths, 4), { run: 3 }, iM - 1, iM - 2];
      expect(decodes({ lengths, im: 1000, iM, items }), `top ${top}`).toEqual(expand(items));
    }
  });

  it("second-level tables under primary entries past the first: 18-bit codes, and 15-17-bit codes in one entry", () => {
    // complete code: lengths 1..12 once (the 1-bit one is the run code), one of 14, 15 and 16, two of 17, 32 of 18:
    // the 18-bit codes fill primary entries 0 and 1, the 15-17-bit ones entry 2
    const lengths: Record<number, number> = {};
    for (let k = 0; k < 32; k++) lengths[100 + k] = 18;
    lengths[132] = 17;
    lengths[133] = 17;
    lengths[134] = 16;
    lengths[135] = 15;
    lengths[136] = 14;
    for (let l = 12; l >= 1; l--) lengths[137 + 12 - l] = l;
    const iM = 148;
    expect(lengths[iM]).toBe(1);
    for (let shift = 0; shift < 8; shift++) {
      const items: Item[] = [
        ...new Array(shift).fill(147),
        ...mix(lengths, 2),
        131,
        { run: 3 },
        135,
        132,
        133,
        134,
      ];
      expect(decodes({ lengths, im: 100, iM, items }), `shift ${shift}`).toEqual(expand(items));
    }
    // an 18-bit code cut 2 bits short by the bit count (its missing bits would be zeros): no code matches
    expect(decodes({ lengths, im: 100, iM, items: [147, 147, 147, 147, 100], nBits: () => 24 }, 5)).toBe(
      "invalid Huffman code",
    );
    expect(decodes({ lengths, im: 100, iM, items: [147, 147, 147, 147, 100] }, 5)).toEqual([
      147, 147, 147, 147, 100,
    ]);
    // a long code whose bits run past the data's end: decoded from the candidate list
    for (const last of [100, 115, 131, 132, 133, 134, 135])
      expect(decodes({ lengths, im: 100, iM, items: [147, 147, last] }), `last ${last}`).toEqual([
        147,
        147,
        last,
      ]);
  });

  it("a table decoded after a larger one: nothing of the earlier table's symbols is left over", () => {
    // the first table has codes for 100..103; the second only for 0..1: its canonical codes must not count them
    const first = {
      lengths: { 100: 2, 101: 2, 102: 2, 103: 2 },
      im: 100,
      iM: 103,
      items: [100, 101, 102, 100],
    };
    const second = { lengths: { 0: 1, 1: 1 }, im: 0, iM: 1, items: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
    expect(decodes(first)).toEqual(first.items);
    expect(decodes(second)).toEqual(second.items);
    const longFirst = { lengths: chain(500, 20), im: 500, iM: 520, items: [519, 518, 500, 517] };
    expect(decodes(longFirst)).toEqual(longFirst.items);
    const shortAfter = {
      lengths: { 500: 1, 501: 2, 502: 2 },
      im: 500,
      iM: 502,
      items: [500, 501, 500, 500, 501],
    };
    expect(decodes(shortAfter)).toEqual(shortAfter.items);
  });

  it("exactly 8 count bits left after a 6-bit run code at the stream's last byte; one value too many at the end", () => {
    const six = { lengths: { 0: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 6 }, im: 0, iM: 6 };
    expect(decodes({ ...six, items: [0, 0, { run: 3 }] })).toEqual([0, 0, 0, 0, 0]);
    // ten 1-bit values, then a 14-bit code decoded with exactly 14 bits buffered: one past the chunk's 10
    const lengths = chain(0, 14);
    const ten = new Array(10).fill(0);
    expect(decodes({ lengths, im: 0, iM: 14, items: [...ten, 13] }, 11)).toEqual([...ten, 13]);
    expect(decodes({ lengths, im: 0, iM: 14, items: [...ten, 13] }, 10)).toBe(
      "Huffman data decodes to more values than the chunk holds",
    );
  });

  it("a run count in the last byte's padding is read by the main loop (OpenEXR reads whole bytes)", () => {
    // five literals (10 bits), the run code at bit 10 with 14 bits to the end of the third byte; nBits stops 1-3 bits
    // into its count, the rest of the count's bits are the byte's padding
    const items: Item[] = [3, 4, 5, 3, 4, { run: 2 }];
    for (const nBits of [17, 18, 19])
      expect(decodes({ ...SMALL, items, nBits: () => nBits }), `${nBits}`).toEqual([3, 4, 5, 3, 4, 4, 4]);
  });

  it("symbol 0 with a long code through the candidate list; a 20-byte stream reports its table cut off", () => {
    // 2..29 have lengths 1..28; 0, 1, 30 and 31 (the run code) 30-bit codes, through the candidate list
    const lengths = { ...chain(2, 29), 0: 30, 1: 30, 30: 30, 31: 30 };
    const items = [2, 0, 2, 1, 0, 2, 2, 2, 2, 2, 2, 2];
    expect(decodes({ lengths, im: 0, iM: 31, items })).toEqual(items);
    const head = new Uint8Array(20);
    new DataView(head.buffer).setUint32(4, 3, true);
    const r = hufDecompress(head, 1);
    expect(r instanceof Uint16Array ? [...r] : r.failure).toBe("Huffman code table is cut off");
  });

  it("a run that fills the output exactly, and nothing at all", () => {
    expect(decodes({ ...SMALL, items: [3, { run: 255 }, { run: 255 }] })).toEqual(new Array(511).fill(3));
    expect(hufDecompress(new Uint8Array(0), 0)).toEqual(new Uint16Array(0));
    expect(hufDecompress(new Uint8Array(19), 0)).toEqual(new Uint16Array(0));
  });
});

describe("damaged Huffman streams fail with their reason", () => {
  const failure = (src: Uint8Array, nRaw: number) => {
    const r = hufDecompress(src, nRaw);
    return r instanceof Uint16Array ? [...r] : r.failure;
  };
  const setU32 = (src: Uint8Array, at: number, v: number) => new DataView(src.buffer).setUint32(at, v, true);

  it("headers: cut off, symbols out of range, fewer bytes than the bit count", () => {
    expect(failure(new Uint8Array(19), 1)).toBe("Huffman header is cut off");
    const at = (im: number, iM: number) => {
      const s = stream({ ...SMALL, items: [3] });
      setU32(s, 0, im);
      setU32(s, 4, iM);
      return failure(s, 1);
    };
    expect(at(65537, 65537)).toBe("Huffman symbol range is out of bounds");
    expect(at(3, 65537)).toBe("Huffman symbol range is out of bounds");
    expect(at(65537, 7)).toBe("Huffman symbol range is out of bounds");
    const items = [3, 4, 5, 3, 4, 5, 3, 4, 5, 3];
    const s = stream({ ...SMALL, items });
    // a 4-byte table (5 lengths of 6 bits), then 3 bytes of data (20 bits): nBits may promise up to 24
    expect(s.length).toBe(27);
    expect(failure(s, 10)).toEqual(items);
    setU32(s, 12, 22);
    expect(failure(s, 11)).toEqual([...items, 3]);
    setU32(s, 12, 24);
    expect(failure(s, 12)).toEqual([...items, 3, 3]);
    for (const nBits of [25, 56, 57, 1_000_000]) {
      setU32(s, 12, nBits);
      expect(failure(s, 10), `${nBits}`).toBe("Huffman data is shorter than its bit count");
    }
    // checked before the table: a bit count past the end wins over a cut-off table
    const cut = s.slice(0, 21);
    setU32(cut, 12, 9);
    expect(failure(cut, 10)).toBe("Huffman data is shorter than its bit count");
    setU32(cut, 12, 8);
    expect(failure(cut, 10)).toBe("Huffman code table is cut off");
  });

  it("code tables: cut off inside a length or a long run, runs past the last symbol", () => {
    /** The stream cut after `bytes` bytes of its table, with no data. */
    const cut = (bytes: number, s: Stream) => {
      const full = stream(s);
      const src = full.slice(0, 20 + bytes);
      setU32(src, 12, 0);
      return { table: new DataView(full.buffer).getUint32(8, true), result: failure(src, 0) };
    };
    // 6 + 6 + 6 bits of lengths, then a long run (6 + 8 bits) to the last symbol: 32 bits
    const endsInRun = { lengths: { 0: 1, 1: 2, 2: 2 }, im: 0, iM: 8, items: [0] };
    expect(cut(4, endsInRun)).toEqual({ table: 4, result: [] });
    expect(cut(3, endsInRun).result).toBe("Huffman code table is cut off");
    expect(cut(2, endsInRun).result).toBe("Huffman code table is cut off");
    // 6 bits, a long run (6 + 8), then two lengths of 6 bits: 32 bits
    const endsInLength = { lengths: { 0: 1, 7: 2, 8: 2 }, im: 0, iM: 8, items: [0] };
    expect(cut(4, endsInLength)).toEqual({ table: 4, result: [] });
    expect(cut(3, endsInLength).result).toBe("Huffman code table is cut off");
    const runTo = (bits: Bits, iM: number) =>
      stream({ lengths: { 0: 1 }, im: 0, iM, items: [0], table: bits });
    // a short run of 3 over the last three symbols is fine, of 4 passes the end
    expect(failure(runTo(new Bits().put(6, 1).put(6, 60), 3), 1)).toEqual([0]);
    expect(failure(runTo(new Bits().put(6, 1).put(6, 61), 3), 1)).toBe(
      "Huffman code table run passes its last symbol",
    );
    // a long run of 7 over the last seven symbols is fine, of 8 passes the end
    expect(failure(runTo(new Bits().put(6, 1).put(6, 63).put(8, 1), 7), 1)).toEqual([0]);
    expect(failure(runTo(new Bits().put(6, 1).put(6, 63).put(8, 2), 7), 1)).toBe(
      "Huffman code table run passes its last symbol",
    );
  });

  it("code tables whose codes do not fit or collide", () => {
    expect(decodes({ lengths: { 0: 1, 1: 1, 2: 1 }, im: 0, iM: 2, items: [0] })).toBe(
      "Huffman code does not fit its length",
    );
    // 0 has the 1-bit code 1; 1, 2, 3 have the 2-bit codes 0, 1, 2: code 2 (binary 10) lies under 0's code
    expect(decodes({ lengths: { 0: 1, 1: 2, 2: 2, 3: 2 }, im: 0, iM: 3, items: [0] })).toBe(
      "Huffman short codes collide",
    );
    // 1-bit codes 0 and 1, a 15-bit code 0: under the first short code, found from either side
    expect(decodes({ lengths: { 0: 1, 1: 1, 2: 15 }, im: 0, iM: 2, items: [0] })).toBe(
      "Huffman long code collides with a short code",
    );
    expect(decodes({ lengths: { 0: 15, 1: 1, 2: 1 }, im: 0, iM: 2, items: [1] })).toBe(
      "Huffman short codes collide",
    );
  });

  it("bits no code starts with: in the main loop, in a second-level table, in the list, at the end", () => {
    // 2-bit codes 00 and 01 only: a 1 bit starts no code
    const half = { lengths: { 0: 2, 1: 2 }, im: 0, iM: 1 };
    const withOnes = (items: number[], ones: number) =>
      decodes({ ...half, items, extra: (b) => b.put(ones, (1n << BigInt(ones)) - 1n) }, 40);
    expect(withOnes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 16)).toBe("invalid Huffman code");
    expect(withOnes([0, 0], 2)).toBe("invalid Huffman code at the end of the data");
    // one 15-bit code, 0: 14 zeros then a 1 matches nothing in its second-level table
    const bad = (top: number) =>
      decodes({ lengths: { 0: top }, im: 0, iM: 1, items: [0], extra: (b) => b.put(top, 1).put(16, 0) }, 3);
    expect(bad(15)).toBe("invalid Huffman code");
    // one 30-bit code: nothing in the candidate list
    expect(bad(30)).toBe("invalid Huffman code");
    // a code longer than the bits left at the end: 0 is "1", 1 is "000"
    const small = { lengths: { 0: 1, 1: 3, 2: 3, 3: 2 }, im: 0, iM: 3 };
    const ones = new Array(16).fill(0);
    expect(decodes({ ...small, items: [...ones, 1] }, 17)).toEqual([...ones, 1]);
    expect(decodes({ ...small, items: [...ones, 1], nBits: (n) => n - 1 }, 17)).toBe(
      "invalid Huffman code at the end of the data",
    );
  });

  it("runs: cut off, with no value before them, past the end of the output", () => {
    const head = [3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4];
    // in the main loop (14 or more bits buffered)
    expect(decodes({ ...SMALL, items: [{ run: 2 }, ...head] })).toBe("Huffman run has no value to repeat");
    expect(decodes({ ...SMALL, items: [3, { run: 9 }, ...head] }, 9)).toBe(
      "Huffman run passes the end of the output",
    );
    expect(decodes({ ...SMALL, items: [3, { run: 9 }, { run: 0 }, { run: 0 }] }, 10)).toEqual(
      new Array(10).fill(3),
    );
    // in the last bits: 28 bits of literals, then the run (10 bits) in a 40-bit stream
    expect(decodes({ ...SMALL, items: [...head, { run: 4 }] }, head.length + 3)).toBe(
      "Huffman run passes the end of the output",
    );
    expect(decodes({ ...SMALL, items: [...head, { run: 4 }] }, head.length + 4)).toEqual([
      ...head,
      4,
      4,
      4,
      4,
    ]);
    // the run code with fewer than 8 count bits after it, in the last bits
    const cutRun = (items: number[], drop: number) =>
      decodes({ ...SMALL, items: [...items, { run: 1 }], nBits: (n) => n - drop }, 100);
    expect(cutRun(head, 1)).toBe("Huffman run length is cut off");
    expect(cutRun(head, 8)).toBe("Huffman run length is cut off");
    expect(cutRun([3, 4, 5], 4)).toBe("Huffman run length is cut off");
    expect(cutRun([3, 4, 5], 0)).toBe("Huffman data decodes to 4 values, the chunk holds 100");
    // a 14-bit run code (0 is "1") ending the stream at a whole byte: the main loop has no count bits left
    const lengths = chain(0, 14);
    const ten = new Array(10).fill(0);
    expect(failure(stream({ lengths, im: 0, iM: 14, items: [...ten, 14] }), 11)).toBe(
      "Huffman run length is cut off",
    );
    expect(failure(stream({ lengths, im: 0, iM: 14, items: [...ten, { run: 1 }] }), 11)).toEqual([...ten, 0]);
  });

  it("more values than the chunk holds, or fewer", () => {
    const items = [3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4];
    expect(decodes({ ...SMALL, items }, 5)).toBe("Huffman data decodes to more values than the chunk holds");
    expect(decodes({ ...SMALL, items }, 13)).toBe("Huffman data decodes to more values than the chunk holds");
    expect(decodes({ ...SMALL, items }, 14)).toEqual(items);
    expect(decodes({ ...SMALL, items }, 15)).toBe("Huffman data decodes to 14 values, the chunk holds 15");
    // a long code (second-level table, candidate list) as the value one past the end
    const sub = chain(100, 20);
    expect(
      decodes({ lengths: sub, im: 100, iM: 120, items: [100, 119, 100, 100, 100, 100, 100, 100] }, 1),
    ).toBe("Huffman data decodes to more values than the chunk holds");
    const list = chain(200, 30);
    expect(
      decodes({ lengths: list, im: 200, iM: 230, items: [200, 229, 200, 200, 200, 200, 200, 200] }, 1),
    ).toBe("Huffman data decodes to more values than the chunk holds");
  });
});
