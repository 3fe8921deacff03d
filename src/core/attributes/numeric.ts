import { ByteReader } from "../byte-reader.js";
import { jsonNumber } from "../json-number.js";
import type { JsonAttributeValue } from "../model.js";
import type { Decoded, Decoder } from "./decoded.js";
import { malformed } from "./opaque.js";

type Scalar = "i32" | "f32" | "f64";
const SIZE: Record<Scalar, number> = { i32: 4, f32: 4, f64: 8 };

function readScalar(r: ByteReader, s: Scalar): number | string {
  switch (s) {
    case "i32":
      return r.i32();
    case "f32":
      return jsonNumber(r.f32());
    case "f64":
      return jsonNumber(r.f64());
  }
}

function readN(r: ByteReader, s: Scalar, n: number): JsonAttributeValue[] {
  // Stryker disable next-line ArrayDeclaration: pre-sizing only; the loop fills the same n values
  const out: JsonAttributeValue[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readScalar(r, s);
  return out;
}

/** A decoder for a fixed-size record: checks the size, then builds the value from a cursor. */
function fixed(typeName: string, size: number, build: (r: ByteReader) => JsonAttributeValue): Decoder {
  return (bytes: Uint8Array): Decoded => {
    if (bytes.length !== size) {
      return malformed(bytes, `${typeName} needs ${size} bytes, ${bytes.length} stored`);
    }
    return { value: build(new ByteReader(bytes)) };
  };
}

function scalar(typeName: string, s: Scalar): Decoder {
  return fixed(typeName, SIZE[s], (r) => readScalar(r, s));
}

function vector(typeName: string, s: Scalar, n: number): Decoder {
  return fixed(typeName, SIZE[s] * n, (r) => readN(r, s, n));
}

function box(typeName: string, s: Scalar): Decoder {
  return fixed(typeName, SIZE[s] * 4, (r) => {
    const [x0, y0, x1, y1] = readN(r, s, 4);
    return { min: [x0!, y0!], max: [x1!, y1!] };
  });
}

/** `floatvector`: any number of float32 values filling the attribute. */
function floatVector(bytes: Uint8Array): Decoded {
  if (bytes.length % 4 !== 0)
    return malformed(bytes, `floatvector size ${bytes.length} is not a multiple of 4`);
  return { value: readN(new ByteReader(bytes), "f32", bytes.length / 4) };
}

export const NUMERIC_DECODERS: Record<string, Decoder> = {
  int: scalar("int", "i32"),
  float: scalar("float", "f32"),
  double: scalar("double", "f64"),
  v2i: vector("v2i", "i32", 2),
  v2f: vector("v2f", "f32", 2),
  v2d: vector("v2d", "f64", 2),
  v3i: vector("v3i", "i32", 3),
  v3f: vector("v3f", "f32", 3),
  v3d: vector("v3d", "f64", 3),
  m33f: vector("m33f", "f32", 9),
  m33d: vector("m33d", "f64", 9),
  m44f: vector("m44f", "f32", 16),
  m44d: vector("m44d", "f64", 16),
  box2i: box("box2i", "i32"),
  box2f: box("box2f", "f32"),
  floatvector: floatVector,
  rational: fixed("rational", 8, (r) => ({ numerator: r.i32(), denominator: r.u32() })),
  chromaticities: fixed("chromaticities", 32, (r) => {
    const v = readN(r, "f32", 8);
    return { red: [v[0]!, v[1]!], green: [v[2]!, v[3]!], blue: [v[4]!, v[5]!], white: [v[6]!, v[7]!] };
  }),
  keycode: fixed("keycode", 28, (r) => ({
    film_mfc_code: r.i32(),
    film_type: r.i32(),
    prefix: r.i32(),
    count: r.i32(),
    perf_offset: r.i32(),
    perfs_per_frame: r.i32(),
    perfs_per_count: r.i32(),
  })),
  timecode: fixed("timecode", 8, (r) => ({ time_and_flags: r.u32(), user_data: r.u32() })),
};
