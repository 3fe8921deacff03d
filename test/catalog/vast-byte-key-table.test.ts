/** The compact byte-string set behind VAST `counts`: the same ids as a Map of strings, through every growth step. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteKeyTable } from "../../src/catalog/vast/byte-key-table.js";

const utf8 = new TextEncoder();

describe("ByteKeyTable", () => {
  it("gives each distinct key one dense id, like a Map, and finds only added keys", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 300 }),
        fc.array(fc.string()),
        (keys, probes) => {
          const table = new ByteKeyTable();
          const expected = new Map<string, number>();
          // keys are read out of one shared buffer at offsets, as from an Arrow UTF-8 column
          const bytes = keys.map((k) => utf8.encode(`..${k}`));
          for (const [i, k] of keys.entries()) {
            if (!expected.has(k)) expected.set(k, expected.size);
            expect(table.add(bytes[i]!, 2, bytes[i]!.length)).toBe(expected.get(k));
          }
          expect(table.size).toBe(expected.size);
          for (const p of [...keys, ...probes]) {
            const b = utf8.encode(p);
            expect(table.find(b, 0, b.length)).toBe(expected.get(p) ?? -1);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("holds 100k keys (index, id arrays and arena grown many times)", () => {
    const table = new ByteKeyTable();
    const keys = Array.from({ length: 100_000 }, (_, i) => utf8.encode(`/shows/x/frame.${i}.exr`));
    const added = keys.map((k) => table.add(k, 0, k.length));
    const found = keys.map((k) => table.find(k, 0, k.length));
    const ids = keys.map((_, i) => i);
    expect(added).toEqual(ids);
    expect(found).toEqual(ids);
    const missing = utf8.encode("/shows/x/frame.100000.exr");
    expect(table.find(missing, 0, missing.length)).toBe(-1);
    expect(table.add(new Uint8Array(0), 0, 0)).toBe(100_000);
    expect(table.find(new Uint8Array(0), 0, 0)).toBe(100_000);
  });

  it("tells apart keys of equal 32-bit hash by their bytes", () => {
    // Found by search: both hash to 1989860282 (FNV-1a then the mix), so they probe the same slots.
    const [first, second] = [utf8.encode("key1039599"), utf8.encode("key1222382")];
    const table = new ByteKeyTable();
    expect(table.find(second, 0, second.length)).toBe(-1);
    expect(table.add(first, 0, first.length)).toBe(0);
    expect(table.find(second, 0, second.length)).toBe(-1);
    expect(table.add(second, 0, second.length)).toBe(1);
    expect(table.find(first, 0, first.length)).toBe(0);
    expect(table.find(second, 0, second.length)).toBe(1);
    expect(table.size).toBe(2);
  });

  it("finds no key it was not given, however full its index", () => {
    const table = new ByteKeyTable();
    for (let i = 0; i < 1000; i++) {
      const k = utf8.encode(`in-${i}`);
      expect(table.add(k, 0, k.length)).toBe(i);
    }
    for (let i = 0; i < 1000; i++) {
      const k = utf8.encode(`out-${i}`);
      expect(table.find(k, 0, k.length)).toBe(-1);
    }
  });

  it("a key's id does not depend on the bytes around it in its buffer", () => {
    const table = new ByteKeyTable();
    const a = utf8.encode("xx/a.exr|yy");
    const b = utf8.encode("/a.exr#");
    expect(table.add(a, 2, 8)).toBe(0);
    expect(table.find(b, 0, 6)).toBe(0);
    expect(table.add(b, 0, 6)).toBe(0);
    expect(table.find(a, 2, 7)).toBe(-1); // a prefix is another key
  });

  it("stores a key longer than twice its arena", () => {
    const table = new ByteKeyTable();
    const small = utf8.encode("first");
    table.add(small, 0, small.length);
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    expect(table.add(big, 0, big.length)).toBe(1);
    expect(table.find(big.slice(), 0, big.length)).toBe(1);
    expect(table.find(small, 0, small.length)).toBe(0);
  });
});
