/** Why a chunk's compressed data did not decode (a value, never thrown). */
export interface CodecFailure {
  readonly failure: string;
}

/** Decompressed bytes in OpenEXR's unpacked layout, or why not. */
export type CodecResult = Uint8Array | CodecFailure;

/** zlib inflate bounded by `maxLength`, supplied by the host (the core has no zlib); may throw. */
export type Inflate = (compressed: Uint8Array, maxLength: number) => Uint8Array;

export type SampleType = "uint" | "half" | "float";

/** One channel as a codec sees it inside one chunk (OpenEXRCore's exr_coding_channel_info_t). */
export interface CodecChannel {
  readonly name: string;
  readonly type: SampleType;
  /** 2 for half, 4 for uint and float. */
  readonly bytes: 2 | 4;
  readonly xSampling: number;
  readonly ySampling: number;
  readonly pLinear: boolean;
  /** Samples per line and lines of this channel inside the chunk. */
  readonly width: number;
  readonly height: number;
}

/** The pixel rectangle of one chunk and its channels in stored (chlist) order. */
export interface ChunkGeometry {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  readonly channels: readonly CodecChannel[];
  /** Bytes of the unpacked block: every channel's samples, line by line. */
  readonly unpackedBytes: number;
}

export function fail(failure: string): CodecFailure {
  return { failure };
}

export function isFailure(r: CodecResult): r is CodecFailure {
  return !(r instanceof Uint8Array);
}

/** Whether channel `c` has samples on image line `y` (C's `%`, which JS shares, for negative lines). */
export function sampledLine(c: CodecChannel, y: number): boolean {
  return c.ySampling <= 1 || y % c.ySampling === 0;
}

/** A decoded JPEG 2000 codestream: each component's samples as 32-bit integers, components one after another. */
export interface J2kImage {
  readonly width: number;
  readonly height: number;
  /** Each component's reconstructed size, in codestream order. */
  readonly components: readonly { readonly width: number; readonly height: number }[];
  /** Row by row per component; a half sample in the low 16 bits, float and uint samples whole (their bits). */
  readonly samples: Int32Array;
}

/**
 * An HTJ2K (JPEG 2000 Part 15) codestream decoder supplied by the host, decoding component by component when
 * `planar`, refusing more than `maxSamples` samples or `maxComponents` components; may throw.
 */
export type Htj2kDecode = (
  codestream: Uint8Array,
  planar: boolean,
  maxSamples: number,
  maxComponents: number,
) => J2kImage;
