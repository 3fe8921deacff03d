/**
 * Input of the EXR writer (`writeExr(spec)`): a description of a file, part by part.
 *
 * Attribute values use one JS shape per EXR type (see `AttributeValueByType`). Enumerations accept their
 * lower/upper-case name or the raw stored number; strings accept a JS string (written as UTF-8) or raw bytes.
 * Any attribute can instead give `raw` (the exact value bytes) and `declaredSize` (a size field that lies),
 * which is how header-level tests build unknown types and malformed attributes.
 */
import type { CHANNEL_TYPES } from "../attributes/chlist.js";
import type { CompressionName } from "../compression.js";

export type PartTypeName = "scanlineimage" | "tiledimage" | "deepscanline" | "deeptile";
export type ChannelTypeName = (typeof CHANNEL_TYPES)[number];
export type { CompressionName };
export type LineOrderName = "INCREASING_Y" | "DECREASING_Y" | "RANDOM_Y";
export type LevelModeName = "ONE_LEVEL" | "MIPMAP_LEVELS" | "RIPMAP_LEVELS";
export type RoundingModeName = "ROUND_DOWN" | "ROUND_UP";
export type DeepImageStateName = "MESSY" | "SORTED" | "NON_OVERLAPPING" | "TIDY";
export type EnvmapName = "LATLONG" | "CUBE";

export interface BoxValue {
  min: [number, number];
  max: [number, number];
}

export interface ChannelSpec {
  name: string | Uint8Array;
  /** Pixel type; a number writes that raw value (e.g. 7 for an invalid type). */
  type: ChannelTypeName | number;
  pLinear?: boolean;
  xSampling?: number;
  ySampling?: number;
}

export interface TileDescValue {
  x_size: number;
  y_size: number;
  level_mode?: LevelModeName | number;
  rounding_mode?: RoundingModeName | number;
}

export interface KeycodeValue {
  filmMfcCode: number;
  filmType: number;
  prefix: number;
  count: number;
  perfOffset: number;
  perfsPerFrame: number;
  perfsPerCount: number;
}

export interface AttributeValueByType {
  box2i: BoxValue;
  box2f: BoxValue;
  /** `bytes` (OpenEXR 3.4+): payload plus an optional type hint. */
  bytes: { data: Uint8Array; typeHint?: string };
  chlist: ChannelSpec[];
  /** redX, redY, greenX, greenY, blueX, blueY, whiteX, whiteY */
  chromaticities: number[];
  compression: CompressionName | number;
  deepImageState: DeepImageStateName | number;
  double: number;
  envmap: EnvmapName | number;
  float: number;
  floatvector: number[];
  /**
   * Compressed ID manifest: the uncompressed size, then the zlib stream as given. OpenEXR 3.2+ stores the size
   * as 8 bytes (`sizeBytes` 8, the default); older writers stored 4.
   */
  idmanifest: { uncompressedSize: number; compressed: Uint8Array; sizeBytes?: 4 | 8 };
  int: number;
  keycode: KeycodeValue;
  lineOrder: LineOrderName | number;
  m33f: number[];
  m33d: number[];
  m44f: number[];
  m44d: number[];
  /** RGBA8 pixels, 4*width*height bytes; a deterministic pattern when omitted. */
  preview: { width: number; height: number; pixels?: Uint8Array };
  /** numerator (int), denominator (unsigned int) */
  rational: [number, number];
  string: string | Uint8Array;
  stringvector: Array<string | Uint8Array>;
  tiledesc: TileDescValue;
  timecode: { time_and_flags: number; user_data: number };
  v2i: number[];
  v2f: number[];
  v2d: number[];
  v3i: number[];
  v3f: number[];
  v3d: number[];
}

export type KnownAttributeType = keyof AttributeValueByType;

export type TypedAttributeSpec = {
  [T in KnownAttributeType]: {
    name: string | Uint8Array;
    type: T;
    value: AttributeValueByType[T];
    /** Write this number as the size field instead of the real value size. */
    declaredSize?: number;
  };
}[KnownAttributeType];

/** Any type name (known or not) with the exact value bytes. */
export interface RawAttributeSpec {
  name: string | Uint8Array;
  type: string | Uint8Array;
  raw: Uint8Array;
  declaredSize?: number;
}

export type AttributeSpec = TypedAttributeSpec | RawAttributeSpec;

/** Where a chunk sits; given to pixel and chunk callbacks. */
export interface ChunkInfo {
  partIndex: number;
  chunkIndex: number;
  /** Scanline parts: first line of the block and number of lines. */
  y?: number;
  lines?: number;
  /** Tiled parts: tile and level coordinates, and the tile's pixel rectangle. */
  tileX?: number;
  tileY?: number;
  levelX?: number;
  levelY?: number;
  x0: number;
  y0: number;
  width: number;
  height: number;
}

export interface PartSpec {
  type: PartTypeName;
  /** Value of the `name` attribute; written for multi-part and deep files (default `part<N>`). */
  name?: string;
  dataWindow: BoxValue;
  /** Defaults to the data window. */
  displayWindow?: BoxValue;
  /** Written sorted by name, as the library does (give a `channels` attribute override for an unsorted list). */
  channels: ChannelSpec[];
  compression?: CompressionName | number;
  lineOrder?: LineOrderName | number;
  /** Required for tiled and deep tiled parts. */
  tiles?: TileDescValue;
  pixelAspectRatio?: number;
  screenWindowCenter?: [number, number];
  screenWindowWidth?: number;
  /** `maxSamplesPerPixel` of deep parts (default: the largest sample count written). */
  maxSamplesPerPixel?: number;
  /**
   * Extra attributes. An entry named like a standard attribute replaces it (any type, e.g. a `type`
   * string contradicting the version flags).
   */
  attributes?: AttributeSpec[];
  /** Standard attributes to leave out (for headers missing required attributes). */
  omit?: string[];
  /** Write `type`/`name`/`chunkCount` even in a single-part non-deep file. */
  writeTypeAttributes?: boolean;
  /** `sorted` (default, like the OpenEXR library) or `given`: standard attributes first, then extras in order. */
  attributeOrder?: "sorted" | "given";
  /** Flat parts: sample value of a channel at a pixel (default 0). */
  pixel?: (channel: string, x: number, y: number) => number;
  /** Deep parts: number of samples at a pixel (default 0). */
  sampleCount?: (x: number, y: number) => number;
  /** Deep parts: value of one sample (default 0). */
  sample?: (channel: string, x: number, y: number, index: number) => number;
  /**
   * Flat parts: bytes to store as a chunk's pixel data instead of encoding pixels (for compression values
   * the writer cannot encode, e.g. raw HTJ2K codestreams in header-level tests).
   */
  chunkData?: (chunk: ChunkInfo) => Uint8Array;
}

/** Compresses a byte block with zlib (RFC 1950), as `node:zlib` deflateSync does. Injected: core has no I/O. */
export type Deflate = (data: Uint8Array) => Uint8Array;

export interface DamageSpec {
  /** Offset-table entries to set to 0 (a writer that never finished). */
  zeroOffsets?: Array<{ part: number; chunk: number }>;
  /** Offset-table entries to overwrite with any value. */
  setOffsets?: Array<{ part: number; chunk: number; value: number | bigint }>;
  /** Cut the file to this many bytes. */
  truncateAt?: number;
}

export interface ExrSpec {
  parts: PartSpec[];
  /** Force the multi-part layout (default: more than one part). */
  multipart?: boolean;
  /** Force the long-names bit (default: set when any name or type name exceeds 31 bytes). */
  longNames?: boolean;
  /** Replace the whole 32-bit version field (version number and flags). */
  versionField?: number;
  /** Enables real zip/zips compression of flat chunks; without it every chunk is stored uncompressed. */
  deflate?: Deflate;
  damage?: DamageSpec;
}
