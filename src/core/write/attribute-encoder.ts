import { ByteWriter, textBytes } from "./byte-writer.js";
import {
  CHANNEL_TYPE_CODES,
  COMPRESSION_CODES,
  DEEP_IMAGE_STATE_CODES,
  ENVMAP_CODES,
  ExrWriteError,
  enumCode,
  LEVEL_MODE_CODES,
  LINE_ORDER_CODES,
  ROUNDING_MODE_CODES,
} from "./enums.js";
import type { AttributeSpec, AttributeValueByType, ChannelSpec, TypedAttributeSpec } from "./spec.js";

type Encoder<T extends keyof AttributeValueByType> = (w: ByteWriter, v: AttributeValueByType[T]) => void;

function fixed(count: number, put: (w: ByteWriter, n: number) => void, what: string) {
  return (w: ByteWriter, v: number[]) => {
    if (v.length !== count) throw new ExrWriteError("EXR_WRITE_BAD_VALUE", `${what} needs ${count} numbers`);
    for (const n of v) put(w, n);
  };
}
const i32 = (w: ByteWriter, n: number) => w.i32(n);
const f32 = (w: ByteWriter, n: number) => w.f32(n);
const f64 = (w: ByteWriter, n: number) => w.f64(n);

function writeChannel(w: ByteWriter, c: ChannelSpec): void {
  w.bytes(textBytes(c.name)).u8(0);
  w.i32(enumCode(CHANNEL_TYPE_CODES, c.type, "channel type"));
  w.u8(c.pLinear ? 1 : 0)
    .u8(0)
    .u8(0)
    .u8(0);
  w.i32(c.xSampling ?? 1).i32(c.ySampling ?? 1);
}

function lengthPrefixed(w: ByteWriter, s: string | Uint8Array): void {
  const b = textBytes(s);
  w.i32(b.length).bytes(b);
}

function previewPixels(width: number, height: number): Uint8Array {
  const px = new Uint8Array(4 * width * height);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37 + 11) & 0xff;
  return px;
}

const ENCODERS: { [T in keyof AttributeValueByType]: Encoder<T> } = {
  box2i: (w, v) => w.i32(v.min[0]).i32(v.min[1]).i32(v.max[0]).i32(v.max[1]),
  box2f: (w, v) => w.f32(v.min[0]).f32(v.min[1]).f32(v.max[0]).f32(v.max[1]),
  bytes: (w, v) => {
    const hint = textBytes(v.typeHint ?? "");
    w.u32(hint.length).bytes(hint).bytes(v.data);
  },
  chlist: (w, v) => {
    for (const c of v) writeChannel(w, c);
    w.u8(0);
  },
  chromaticities: fixed(8, f32, "chromaticities"),
  compression: (w, v) => w.u8(enumCode(COMPRESSION_CODES, v, "compression")),
  deepImageState: (w, v) => w.u8(enumCode(DEEP_IMAGE_STATE_CODES, v, "deepImageState")),
  double: (w, v) => w.f64(v),
  envmap: (w, v) => w.u8(enumCode(ENVMAP_CODES, v, "envmap")),
  float: (w, v) => w.f32(v),
  floatvector: (w, v) => {
    for (const n of v) w.f32(n);
  },
  idmanifest: (w, v) =>
    (v.sizeBytes === 4 ? w.i32(v.uncompressedSize) : w.u64(v.uncompressedSize)).bytes(v.compressed),
  int: (w, v) => w.i32(v),
  keycode: (w, v) =>
    w
      .i32(v.filmMfcCode)
      .i32(v.filmType)
      .i32(v.prefix)
      .i32(v.count)
      .i32(v.perfOffset)
      .i32(v.perfsPerFrame)
      .i32(v.perfsPerCount),
  lineOrder: (w, v) => w.u8(enumCode(LINE_ORDER_CODES, v, "lineOrder")),
  m33f: fixed(9, f32, "m33f"),
  m33d: fixed(9, f64, "m33d"),
  m44f: fixed(16, f32, "m44f"),
  m44d: fixed(16, f64, "m44d"),
  preview: (w, v) => {
    const px = v.pixels ?? previewPixels(v.width, v.height);
    if (px.length !== 4 * v.width * v.height)
      throw new ExrWriteError("EXR_WRITE_BAD_VALUE", "preview pixels must be 4*width*height bytes");
    w.u32(v.width).u32(v.height).bytes(px);
  },
  rational: (w, v) => w.i32(v[0]).u32(v[1]),
  string: (w, v) => {
    w.bytes(textBytes(v));
  },
  stringvector: (w, v) => {
    for (const s of v) lengthPrefixed(w, s);
  },
  tiledesc: (w, v) => {
    const level = enumCode(LEVEL_MODE_CODES, v.level_mode ?? 0, "level mode");
    const round = enumCode(ROUNDING_MODE_CODES, v.rounding_mode ?? 0, "rounding mode");
    w.u32(v.x_size)
      .u32(v.y_size)
      .u8(level + round * 16);
  },
  timecode: (w, v) => w.u32(v.time_and_flags).u32(v.user_data),
  v2i: fixed(2, i32, "v2i"),
  v2f: fixed(2, f32, "v2f"),
  v2d: fixed(2, f64, "v2d"),
  v3i: fixed(3, i32, "v3i"),
  v3f: fixed(3, f32, "v3f"),
  v3d: fixed(3, f64, "v3d"),
};

/** The value bytes of an attribute (without name, type and size). */
export function encodeAttributeValue(spec: AttributeSpec): Uint8Array {
  if ("raw" in spec) return spec.raw;
  const typed = spec as TypedAttributeSpec;
  const encode = ENCODERS[typed.type] as Encoder<typeof typed.type> | undefined;
  if (!encode)
    throw new ExrWriteError("EXR_WRITE_UNKNOWN_TYPE", `no encoder for type ${typed.type}; give raw bytes`);
  const w = new ByteWriter(64);
  encode(w, typed.value as never);
  return w.toBytes();
}

/** A whole attribute as stored in a header: name\0 type\0 size value. */
export function encodeAttribute(w: ByteWriter, spec: AttributeSpec): void {
  const value = encodeAttributeValue(spec);
  w.bytes(textBytes(spec.name)).u8(0);
  w.bytes(textBytes(spec.type)).u8(0);
  w.i32(spec.declaredSize ?? value.length);
  w.bytes(value);
}
