import { describe, expect, it } from "vitest";
import { halfToFloatTable } from "../../../src/core/codecs/half.js";
import { ChannelStats, type ChannelStatsRecord } from "../../../src/core/pixels/channel-stats.js";

/**
 * One channel's statistics fed in pieces, against a plain two-pass computation over all the values at once
 * (mutation testing, issue 20; numpy over the official bindings' pixels is in official-codecs.test.ts).
 */

function reference(name: string, type: "half" | "float" | "uint", bits: number[]): ChannelStatsRecord {
  const values = bits.map((b) =>
    type === "half"
      ? halfToFloatTable[b]!
      : type === "float"
        ? new Float32Array(new Uint32Array([b]).buffer)[0]!
        : b,
  );
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  const mean = n ? finite.reduce((a, v) => a + v, 0) / n : null;
  const variance = n ? finite.reduce((a, v) => a + (v - mean!) ** 2, 0) / n : null;
  return {
    name,
    type,
    min: n ? Math.min(...finite) : null,
    max: n ? Math.max(...finite) : null,
    mean,
    stddev: variance === null ? null : Math.sqrt(variance),
    nan_count: values.filter((v) => Number.isNaN(v)).length,
    inf_count: values.filter((v) => v === Infinity || v === -Infinity).length,
    finite_count: n,
    constant: bits.every((b) => b === bits[0]),
  };
}

function stats(type: "half" | "float" | "uint", pieces: number[][], flushEvery = 0): ChannelStatsRecord {
  const s = new ChannelStats("c", type);
  pieces.forEach((p, i) => {
    s.add(type === "half" ? Uint16Array.from(p) : Uint32Array.from(p));
    if (flushEvery && (i + 1) % flushEvery === 0) s.flush();
  });
  return s.record();
}

function expectClose(got: ChannelStatsRecord, want: ChannelStatsRecord, what: string) {
  const { mean, stddev, ...exact } = got;
  const { mean: wm, stddev: ws, ...wantExact } = want;
  expect(exact, what).toEqual(wantExact);
  for (const [g, w] of [
    [mean, wm],
    [stddev, ws],
  ] as const) {
    if (w === null) expect(g, what).toBeNull();
    else
      expect(Math.abs(g! - w), `${what}: ${g} vs ${w}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w)));
  }
}

const HALF = {
  nan: 0x7e00,
  nan2: 0xfc01,
  inf: 0x7c00,
  ninf: 0xfc00,
  one: 0x3c00,
  two: 0x4000,
  half: 0x3800,
  mtwo: 0xc000,
  max: 0x7bff,
  min: 0xfbff,
};
const f32 = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0]!;

describe("ChannelStats", () => {
  it("half: counts, extremes and moments over several pieces, odd and even lengths, NaN and Inf", () => {
    const pieces = [
      [HALF.one, HALF.one, HALF.two],
      [HALF.nan, HALF.inf, HALF.ninf, HALF.mtwo, HALF.half],
      [HALF.nan2],
      [],
      [HALF.max, HALF.min, HALF.one, HALF.two],
      [0x0001, 0x8001, 0x0000, 0x8000, 0x0001, 0x0001],
    ];
    for (const flushEvery of [0, 1, 2]) {
      const got = stats("half", pieces, flushEvery);
      expectClose(got, reference("c", "half", pieces.flat()), `flush every ${flushEvery}`);
      expect([got.nan_count, got.inf_count, got.finite_count]).toEqual([2, 2, 15]);
    }
    // all equal neighbours, counted two at a time
    expectClose(
      stats("half", [[HALF.two, HALF.two, HALF.two, HALF.two]]),
      reference("c", "half", new Array(4).fill(HALF.two)),
      "pairs",
    );
  });

  it("half: constant means the same bits everywhere, across pieces and flushes; NaN only has no moments", () => {
    expect(stats("half", [[HALF.one], [HALF.one, HALF.one]], 1).constant).toBe(true);
    expect(stats("half", [[HALF.one], [HALF.two]], 1).constant).toBe(false);
    expect(stats("half", [[HALF.one], [HALF.two]]).constant).toBe(false);
    expect(stats("half", [[HALF.one, HALF.two]]).constant).toBe(false);
    // +0 and -0 are equal values but not the same bits
    expect(stats("half", [[0x0000], [0x8000]], 1).constant).toBe(false);
    expect(stats("half", [[0x8000], [0x0000]], 1).constant).toBe(false);
    const nan = stats("half", [[HALF.nan, HALF.nan], [HALF.nan]], 1);
    expect(nan).toEqual({
      name: "c",
      type: "half",
      min: null,
      max: null,
      mean: null,
      stddev: null,
      nan_count: 3,
      inf_count: 0,
      finite_count: 0,
      constant: true,
    });
    expect(stats("half", []).constant).toBe(true);
    expect(stats("half", []).finite_count).toBe(0);
    // a flush with nothing pending keeps everything
    const s = new ChannelStats("c", "half");
    s.add(Uint16Array.of(HALF.two, HALF.one));
    s.flush();
    s.flush();
    expect(s.record().finite_count).toBe(2);
  });

  it("histograms given back are clean for the next channel", () => {
    const a = new ChannelStats("a", "half");
    a.add(Uint16Array.of(HALF.max, HALF.max, HALF.min));
    a.record();
    const b = new ChannelStats("b", "half");
    b.add(Uint16Array.of(HALF.one));
    expectClose(b.record(), { ...reference("b", "half", [HALF.one]) }, "after a");
  });

  it("float: NaN and Inf bit patterns, extremes, moments, constant", () => {
    const pieces = [
      [f32(1.5), f32(-2.25), 0x7fc00000, 0x7f800001, 0xff800000, 0x7f800000],
      [f32(3.5e6), f32(-1e6), f32(1e-45), 0x80000000],
      [f32(0.1), f32(0.1), f32(0.1)],
    ];
    expectClose(stats("float", pieces), reference("c", "float", pieces.flat()), "float");
    const got = stats("float", pieces);
    expect([got.nan_count, got.inf_count, got.finite_count]).toEqual([2, 2, 9]);
    expect(stats("float", [[f32(2)], [f32(2), f32(2)]]).constant).toBe(true);
    expect(stats("float", [[f32(2)], [f32(3)]]).constant).toBe(false);
    expect(stats("float", [[f32(2), f32(3)], [f32(2)]]).constant).toBe(false);
    expect(stats("float", [[0x7fc00000]]).min).toBeNull();
    expect(stats("float", [[0x7fc00000], [f32(5)]])).toMatchObject({ min: 5, max: 5, mean: 5, stddev: 0 });
    // extremes carried from earlier pieces
    expect(stats("float", [[f32(-7)], [f32(1)], [f32(9)], [f32(2)]])).toMatchObject({ min: -7, max: 9 });
  });

  it("uint: values up to 2^32 - 1, extremes carried across pieces", () => {
    const pieces = [[0, 4294967295, 7], [3], [100, 100, 2 ** 31]];
    expectClose(stats("uint", pieces), reference("c", "uint", pieces.flat()), "uint");
    expect(stats("uint", [[5], [5, 5]]).constant).toBe(true);
    expect(stats("uint", [[5], [6]]).constant).toBe(false);
    expect(stats("uint", [[9], [1], [4]])).toMatchObject({ min: 1, max: 9, mean: 14 / 3 });
    // the scratch array grows for a longer piece
    const long = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1013);
    expectClose(stats("uint", [[1, 2], long, [3]]), reference("c", "uint", [1, 2, ...long, 3]), "grown");
  });

  it("moments merged over many pieces stay exact to double precision", () => {
    const values = Array.from({ length: 5000 }, (_, i) => 1e6 + ((i * 2654435761) % 1000) / 7);
    const bits = values.map(f32);
    const pieces: number[][] = [];
    for (let i = 0; i < bits.length; i += 37) pieces.push(bits.slice(i, i + 37));
    expectClose(stats("float", pieces), reference("c", "float", bits), "5000 floats");
  });
});
