import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DecodedChunk } from "../../../src/core/pixels/decode-chunk.js";
import { type Hasher, PartPixelHash } from "../../../src/core/pixels/pixel-hash.js";

const sha256 = (): Hasher => {
  const h = createHash("sha256");
  return { update: (b) => h.update(b), digest: () => new Uint8Array(h.digest()) };
};

/** A 10 x 6 one-channel half level cut into 4 x 4 tiles (widths 4, 4, 2; heights 4, 2); sample = y * 10 + x. */
function tiles(): DecodedChunk[] {
  const out: DecodedChunk[] = [];
  for (let ty = 0; ty < 2; ty++)
    for (let tx = 0; tx < 3; tx++) {
      const width = tx < 2 ? 4 : 2;
      const height = ty === 0 ? 4 : 2;
      const data = new Uint16Array(width * height);
      for (let r = 0; r < height; r++)
        for (let c = 0; c < width; c++) data[r * width + c] = (ty * 4 + r) * 10 + tx * 4 + c;
      const plane = { name: "Y", type: "half" as const, xSampling: 1, ySampling: 1, width, height, data };
      out.push({
        partIndex: 0,
        chunkIndex: out.length,
        level: [0, 0],
        tile: [tx, ty],
        x0: tx * 4,
        y0: ty * 4,
        width,
        height,
        planes: [plane],
      });
    }
  return out;
}

function digest(order: readonly number[]): string | null {
  const h = new PartPixelHash(
    sha256,
    [{ level: [0, 0], x0: 0, y0: 0, width: 10, height: 6 }],
    [{ name: "Y", xSampling: 1, ySampling: 1 }],
    false,
  );
  const all = tiles();
  for (const i of order) h.add(all[i]!);
  return h.digest();
}

describe("pixel hash of tiled levels", () => {
  it("hashes rows top to bottom whatever order the tiles come in, and is null while a tile is missing", () => {
    const rows = new Uint16Array(60).map((_, i) => i);
    const inner = createHash("sha256").update(new Uint8Array(rows.buffer)).digest();
    const want = createHash("sha256").update(inner).digest("hex");
    for (const order of [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [1, 0, 3, 2, 5, 4],
      [3, 0, 4, 1, 5, 2],
      [0, 3, 1, 4, 2, 5],
    ])
      expect(digest(order), order.join(",")).toBe(want);
    expect(digest([0, 1, 3, 4, 5])).toBeNull();
    expect(digest([0, 1, 2, 3, 4])).toBeNull();
  });

  it("a tile given twice before its row is complete counts once; pieces are copied, not kept as views", () => {
    const rows = new Uint16Array(60).map((_, i) => i);
    const inner = createHash("sha256").update(new Uint8Array(rows.buffer)).digest();
    const want = createHash("sha256").update(inner).digest("hex");
    expect(digest([3, 3, 4, 0, 1, 2, 5])).toBe(want);
    expect(digest([4, 4, 3, 1, 0, 2, 5])).toBe(want);
    // the caller's buffers are reused after add(): what was added stays
    const h = new PartPixelHash(
      sha256,
      [{ level: [0, 0], x0: 0, y0: 0, width: 10, height: 6 }],
      [{ name: "Y", xSampling: 1, ySampling: 1 }],
      false,
    );
    const all = tiles();
    for (const i of [5, 4, 3, 2, 1, 0]) {
      h.add(all[i]!);
      all[i]!.planes[0]!.data.fill(0xffff);
    }
    expect(h.digest()).toBe(want);
  });
});
