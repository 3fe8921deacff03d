import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Htj2kDecode, J2kImage } from "../core/codecs/types.js";

/** Longest one chunk's codestream may take to decode; a damaged one can make OpenJPH loop. */
export const HTJ2K_DECODE_TIMEOUT_MS = 5_000;

let worker: Promise<Worker | null> | null = null;

/** The built worker beside this module, or (running from the TypeScript sources, as the tests do) in dist/. */
const WORKER_URLS = [
  new URL("./htj2k-worker.js", import.meta.url),
  new URL("../../dist/inspect/htj2k-worker.js", import.meta.url),
];

function start(): Promise<Worker | null> {
  const url = WORKER_URLS.find((u) => u.protocol === "file:" && existsSync(fileURLToPath(u)));
  if (!url) return Promise.resolve(null);
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = new Worker(url);
    } catch {
      resolve(null);
      return;
    }
    w.unref();
    w.once("message", () => resolve(w));
    w.once("error", () => resolve(null));
    w.once("exit", () => resolve(null));
  });
}

/**
 * OpenJPH's HTJ2K decoder (WebAssembly, loaded from @cornerstonejs/codec-openjph's own files, no network) running
 * in a worker thread, called synchronously: the caller blocks until the worker answers or
 * HTJ2K_DECODE_TIMEOUT_MS pass; then the worker is terminated (the next call starts a fresh one) and the decode
 * fails. Null when the decoder cannot be loaded.
 */
export async function htj2kDecoder(): Promise<Htj2kDecode | null> {
  worker ??= start();
  const w = await worker;
  if (!w) return null;
  return (codestream: Uint8Array, maxBytes: number): J2kImage => {
    const ctl = new Int32Array(new SharedArrayBuffer(24));
    const out = new SharedArrayBuffer(Math.max(1, maxBytes));
    w.postMessage({ codestream, out: out, ctl: ctl.buffer });
    if (Atomics.wait(ctl, 0, 0, HTJ2K_DECODE_TIMEOUT_MS) === "timed-out") {
      void w.terminate();
      worker = null;
      throw new Error(`decoding took longer than ${HTJ2K_DECODE_TIMEOUT_MS} ms`);
    }
    if (ctl[0] !== 1) throw new Error("OpenJPH could not decode it");
    return {
      width: ctl[1]!,
      height: ctl[2]!,
      components: ctl[3]!,
      bitsPerSample: ctl[4]!,
      data: new Uint8Array(out, 0, ctl[5]!).slice(),
    };
  };
}
