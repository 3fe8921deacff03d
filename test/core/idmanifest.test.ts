import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { countIdManifest, decodeIdManifest, parseManifest } from "../../src/core/attributes/idmanifest.js";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { zlibInflate } from "../../src/inspect/inspect.js";
import { b } from "./bytes.js";

/** A serialized manifest: one group, channels [id], components [name], two entries stored as u32 ids. */
function manifest(): Uint8Array {
  const strings = ["a", "b"];
  const out = b().u32(0); // version
  out.i32(strings.length).u8(...strings.map((s) => s.length));
  for (const s of strings) out.str(s);
  out.i32(1).i32(0, 1); // rle mapping: one range 0..1
  out.i32(1); // groups
  out.i32(1).u8(2).str("id"); // channels
  out.i32(1).u8(4).str("name"); // components
  out.u8(1); // lifetime
  out.u32(4).str("none").u32(2).str("id");
  out.u8(1).i32(2); // storage: u32 ids; table size 2
  out.u32(7).u8(0).u32(3).u8(1);
  return out.build();
}

const attribute = (data: Uint8Array, sizeBytes: 4 | 8) => {
  const z = deflateSync(data);
  return (sizeBytes === 8 ? b().u64(data.length) : b().i32(data.length)).raw(z).build();
};

describe("idmanifest", () => {
  it("reads the 8-byte (3.2+) and 4-byte (3.0/3.1) size forms", () => {
    const m = manifest();
    expect(decodeIdManifest(attribute(m, 8)).value).toEqual({
      uncompressed_size: m.length,
      compressed_size: deflateSync(m).length,
    });
    expect(decodeIdManifest(attribute(m, 4)).value).toEqual({
      uncompressed_size: m.length,
      compressed_size: deflateSync(m).length,
    });
  });

  it("counts groups and entries", () => {
    expect(parseManifest(manifest())).toEqual({ groups: 1, entries: 2 });
    expect(countIdManifest(attribute(manifest(), 8), zlibInflate)).toEqual({ groups: 1, entries: 2 });
  });

  it("reports truncated, corrupt and oversized manifests instead of throwing", () => {
    const m = manifest();
    for (let cut = 0; cut < m.length; cut++)
      expect(parseManifest(m.subarray(0, cut))).toHaveProperty("problem");
    expect(countIdManifest(b().i32(10).u8(1, 2, 3, 4, 5).build(), zlibInflate)).toHaveProperty("problem");
    const lying = b()
      .u64(10)
      .raw(deflateSync(new Uint8Array(1000)))
      .build();
    expect(countIdManifest(lying, zlibInflate)).toHaveProperty("problem");
  });

  it("inspection adds the counts when it can inflate", () => {
    const every = sampleFiles().find((s) => s.name === "every_attribute_type.exr")!.bytes;
    const value = (r: ReturnType<typeof inspectBytes>) =>
      r.parts[0]!.attributes.find((a) => a.type === "idmanifest")!.value as Record<string, number>;
    const withCounts = inspectBytes(every, { inflate: zlibInflate });
    expect(value(withCounts).groups).toBeGreaterThan(0);
    expect(value(withCounts).entries).toBeGreaterThan(0);
    expect(withCounts.validation.findings.map((f) => f.code)).not.toContain("EXR_IDMANIFEST_INVALID");
    expect(value(inspectBytes(every))).not.toHaveProperty("entries");
  });
});
