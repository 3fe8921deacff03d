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

/** A decoded JPEG 2000 codestream: components interleaved per pixel, little-endian samples. */
export interface J2kImage {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly bitsPerSample: number;
  readonly data: Uint8Array;
}

/** An HTJ2K (JPEG 2000 Part 15) codestream decoder supplied by the host, for at most `maxBytes`; may throw. */
export type Htj2kDecode = (codestream: Uint8Array, maxBytes: number) => J2kImage;
