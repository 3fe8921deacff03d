import type { Htj2kDecode, J2kImage } from "../core/codecs/types.js";

/** The part of @cornerstonejs/codec-openjph (OpenJPH compiled to WebAssembly) used here. */
interface OpenJphDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
interface OpenJphModule {
  HTJ2KDecoder: new () => OpenJphDecoder;
}

let loading: Promise<OpenJphModule | null> | null = null;
let broken = false;

async function instantiate(): Promise<OpenJphModule | null> {
  try {
    const { default: factory } = await import("@cornerstonejs/codec-openjph");
    // The module prints OpenJPH's warnings and errors; errors also come back as exceptions, which become findings.
    const quiet = () => {};
    return (await factory({ print: quiet, printErr: quiet })) as OpenJphModule;
  } catch {
    return null;
  }
}

/**
 * OpenJPH's HTJ2K decoder (WebAssembly, loaded from the package's own files, no network), or null when it cannot
 * be loaded. A decode that throws leaves the module in an unknown state: the next call loads a fresh one.
 */
export async function htj2kDecoder(): Promise<Htj2kDecode | null> {
  if (!loading || broken) {
    broken = false;
    loading = instantiate();
  }
  const codec = await loading;
  if (!codec) return null;
  return (codestream: Uint8Array): J2kImage => {
    const decoder = new codec.HTJ2KDecoder();
    try {
      decoder.getEncodedBuffer(codestream.length).set(codestream);
      decoder.decode();
      const info = decoder.getFrameInfo();
      return {
        width: info.width,
        height: info.height,
        components: info.componentCount,
        bitsPerSample: info.bitsPerSample,
        data: decoder.getDecodedBuffer().slice(),
      };
    } catch (e) {
      broken = true;
      throw e;
    } finally {
      decoder.delete();
    }
  };
}
