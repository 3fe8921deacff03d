// Decodes HTJ2K codestreams with OpenJPH's WebAssembly build, in a worker so that the caller can stop a decode
// that does not end (some damaged codestreams make OpenJPH loop): see htj2k-decoder.ts for the protocol.
import { parentPort } from "node:worker_threads";
import factory from "@cornerstonejs/codec-openjph";

interface OpenJphDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

const quiet = () => {};
const codec = (await factory({ print: quiet, printErr: quiet })) as {
  HTJ2KDecoder: new () => OpenJphDecoder;
};

/** ctl: [state (0 pending, 1 done, 2 failed), width, height, components, bitsPerSample, bytes]. */
parentPort!.on("message", (m: { codestream: Uint8Array; out: SharedArrayBuffer; ctl: SharedArrayBuffer }) => {
  const ctl = new Int32Array(m.ctl);
  const decoder = new codec.HTJ2KDecoder();
  let state = 2;
  try {
    decoder.getEncodedBuffer(m.codestream.length).set(m.codestream);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const data = decoder.getDecodedBuffer();
    const out = new Uint8Array(m.out);
    if (data.length <= out.length) {
      out.set(data);
      ctl[1] = info.width;
      ctl[2] = info.height;
      ctl[3] = info.componentCount;
      ctl[4] = info.bitsPerSample;
      ctl[5] = data.length;
      state = 1;
    }
  } catch {
    state = 2;
  } finally {
    decoder.delete();
  }
  Atomics.store(ctl, 0, state);
  Atomics.notify(ctl, 0);
});
parentPort!.postMessage("ready");
