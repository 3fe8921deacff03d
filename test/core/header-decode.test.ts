import { deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Inflate } from "../../src/core/attributes/idmanifest.js";
import { decodeHeaders } from "../../src/core/header-decode.js";
import { scanHeaders } from "../../src/core/header-scan.js";
import type { AttributeSpec, PartSpec } from "../../src/core/write/spec.js";
import { writeExr } from "../../src/core/write/write-exr.js";
import { b } from "./bytes.js";

// decodeHeaders: every stored attribute decoded in order, findings located at the attribute they name.

const inflate: Inflate = (data, max) =>
  new Uint8Array(inflateSync(data, { maxOutputLength: Math.max(1, max) }));

const part = (attributes: AttributeSpec[], name?: string): PartSpec => ({
  type: "scanlineimage",
  ...(name ? { name } : {}),
  dataWindow: { min: [0, 0], max: [0, 0] },
  channels: [{ name: "Y", type: "half" }],
  attributes,
  attributeOrder: "given",
  omit: [
    "channels",
    "compression",
    "displayWindow",
    "lineOrder",
    "pixelAspectRatio",
    "screenWindowCenter",
    "screenWindowWidth",
  ],
});

function decode(parts: PartSpec[], withInflate = false) {
  const bytes = writeExr({ parts });
  const scan = scanHeaders(bytes, bytes.length, 1 << 20);
  if (scan.kind !== "done") throw new Error("scan incomplete");
  return { scan, ...decodeHeaders(bytes, scan.headers, withInflate ? { inflate } : {}) };
}

/** One group, one channel, one component, two entries (see idmanifest.test.ts). */
function manifest(): Uint8Array {
  const out = b().u32(0).i32(2).u8(1, 1).str("ab").i32(1).i32(0, 1).i32(1);
  out.i32(1).u8(2).str("id").i32(1).u8(4).str("name").u8(1);
  out.u32(4).str("none").u32(2).str("id").u8(1).i32(2).u32(7).u8(0).u32(3).u8(1);
  return out.build();
}
const idmanifest = (data: Uint8Array): AttributeSpec => ({
  name: "ids",
  type: "idmanifest",
  value: { uncompressedSize: data.length, compressed: new Uint8Array(deflateSync(data)) },
});

const at = (code: string, severity: string, part_index: number, attribute: string, byte_offset: number) => ({
  code,
  severity,
  part_index,
  attribute,
  chunk_index: null,
  byte_offset,
});

describe("decodeHeaders", () => {
  it("records every attribute in stored order with its size, offset and value; the first of a name wins", () => {
    const { scan, headers, findings } = decode([
      part([
        { name: "n", type: "int", value: 1 },
        { name: "s", type: "string", value: "x" },
        { name: "n", type: "float", value: 2 },
      ]),
    ]);
    const [h] = headers;
    const raw = scan.headers[0]!;
    expect(h!.offset).toBe(raw.offset);
    expect(h!.terminated).toBe(true);
    expect(h!.attributes.map((a) => [a.name, a.type, a.size, a.value])).toEqual([
      ["dataWindow", "box2i", 16, { min: [0, 0], max: [0, 0] }],
      ["n", "int", 4, 1],
      ["s", "string", 1, "x"],
      ["n", "float", 4, 2],
    ]);
    expect(h!.attributes.map((a) => a.offset)).toEqual(raw.attributes.map((a) => a.offset));
    expect(h!.byName.get("n")).toBe(h!.attributes[1]);
    expect([...h!.byName.keys()]).toEqual(["dataWindow", "n", "s"]);
    expect(findings).toEqual([
      {
        ...at("EXR_DUPLICATE_ATTRIBUTE", "error", 0, "n", raw.attributes[3]!.offset),
        message: 'attribute "n" appears more than once',
      },
    ]);
    expect(findings[0]!.severity).not.toBe("info");
  });

  it("size mismatches and invalid UTF-8, located at the attribute in the right part", () => {
    const { scan, headers, findings } = decode([
      part([{ name: "a", type: "int", value: 1 }], "p0"),
      part(
        [
          { name: "short", type: "int", raw: Uint8Array.of(1, 2) },
          { name: "latin", type: "string", value: Uint8Array.of(0x63, 0xe9) },
        ],
        "p1",
      ),
    ]);
    const raw = scan.headers[1]!.attributes;
    const offsetOf = (name: string) => raw.find((a) => a.name === name)!.offset;
    expect(findings.map(({ message, ...rest }) => rest)).toEqual([
      { ...at("EXR_ATTRIBUTE_SIZE_MISMATCH", "error", 1, "short", offsetOf("short")) },
      { ...at("EXR_INVALID_UTF8", "warning", 1, "latin", offsetOf("latin")) },
    ]);
    expect(findings[1]!.message).toBe('attribute "latin" holds text that is not valid UTF-8');
    expect(findings[0]!.message).toMatch(/4/);
    expect(headers[1]!.byName.get("short")!.value).toEqual({ base64: "AQI=" });
    expect(headers.map((h) => h.attributes.length)).toEqual([5, 6]);
  });

  it("ID manifests get their group and entry counts only when the host can inflate", () => {
    const m = manifest();
    const spec = [part([idmanifest(m)])];
    const value = (withInflate: boolean) => decode(spec, withInflate).headers[0]!.byName.get("ids")!.value;
    const sizes = { uncompressed_size: m.length, compressed_size: deflateSync(m).length };
    expect(value(false)).toEqual(sizes);
    expect(value(true)).toEqual({ ...sizes, groups: 1, entries: 2 });
    expect(decode(spec, true).findings).toEqual([]);
  });

  it("an ID manifest that does not inflate or parse is EXR_IDMANIFEST_INVALID at the attribute; one too short only a size problem", () => {
    const truncated = manifest().subarray(0, 20);
    const { scan, findings, headers } = decode(
      [part([idmanifest(truncated), { name: "tiny", type: "idmanifest", raw: Uint8Array.of(1, 2) }])],
      true,
    );
    const raw = scan.headers[0]!.attributes;
    expect(findings.map(({ message, ...rest }) => rest)).toEqual([
      at("EXR_IDMANIFEST_INVALID", "warning", 0, "ids", raw[1]!.offset),
      at("EXR_ATTRIBUTE_SIZE_MISMATCH", "error", 0, "tiny", raw[2]!.offset),
    ]);
    expect(headers[0]!.byName.get("ids")!.value).toEqual({
      uncompressed_size: 20,
      compressed_size: deflateSync(truncated).length,
    });
  });
});
