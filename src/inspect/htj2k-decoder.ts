import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Htj2kDecode, J2kImage } from "../core/codecs/types.js";

/** Longest one chunk's codestream may take to decode; a damaged one can make OpenJPH loop. */
export const HTJ2K_DECODE_TIMEOUT_MS = 5_000;

/** The built worker beside this module, or (running from the TypeScript sources, as the tests do) in dist/. */
const WORKER_URLS = [
  new URL("./htj2k-worker.js", import.meta.url),
  new URL("../../dist/inspect/htj2k-worker.js", import.meta.url),
];

/** Whether the worker loads at all (checked once); null when it cannot. */
let loadable: Promise<URL | null> | null = null;
/** The worker that answers decodes; replaced after one is stopped for taking too long. */
let current: Worker | null = null;

function spawn(url: URL): Worker {
  const w = new Worker(url);
  w.unref();
  return w;
}

function probe(): Promise<URL | null> {
  const url = WORKER_URLS.find((u) => u.protocol === "file:" && existsSync(fileURLToPath(u)));
  if (!url) return Promise.resolve(null);
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = spawn(url);
    } catch {
      resolve(null);
      return;
    }
    w.once("message", () => {
      current ??= w;
      resolve(url);
    });
    w.once("error", () => resolve(null));
    w.once("exit", () => resolve(null));
  });
}

/**
 * OpenJPH's HTJ2K decoder (OpenJPH 0.31.0 compiled to WebAssembly, native/openjph, loaded from our own files, no
 * network) running in a worker thread, called synchronously: the caller blocks until the worker answers or
 * `timeoutMs` pass; then the worker is terminated, that decode fails, and the next decode starts a fresh worker (its
 * messages wait in the queue while it loads, inside the same timeout). Null when the decoder cannot be loaded.
 */
export async function htj2kDecoder(timeoutMs = HTJ2K_DECODE_TIMEOUT_MS): Promise<Htj2kDecode | null> {
  loadable ??= probe();
  const url = await loadable;
  if (!url) return null;
  return (codestream: Uint8Array, planar: boolean, maxSamples: number, maxComponents: number): J2kImage => {
    current ??= spawn(url);
    const w = current;
    const ctl = new Int32Array(new SharedArrayBuffer(4 * (5 + 2 * maxComponents)));
    const out = new SharedArrayBuffer(4 * Math.max(1, maxSamples));
    w.postMessage({ codestream, planar, maxSamples, out, ctl: ctl.buffer });
    if (Atomics.wait(ctl, 0, 0, timeoutMs) === "timed-out") {
      void w.terminate();
      if (current === w) current = null;
      throw new Error(`decoding took longer than ${timeoutMs} ms`);
    }
    if (ctl[0] !== 1) throw new Error("OpenJPH could not decode it");
    const components: { width: number; height: number }[] = [];
    for (let c = 0; c < ctl[3]!; c++) components.push({ width: ctl[5 + 2 * c]!, height: ctl[6 + 2 * c]! });
    return {
      width: ctl[1]!,
      height: ctl[2]!,
      components,
      samples: new Int32Array(out, 0, ctl[4]!).slice(),
    };
  };
}
