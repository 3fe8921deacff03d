// Decodes HTJ2K codestreams with OpenJPH compiled to WebAssembly (native/openjph: OpenJPH 0.31.0 and the
// chunk decode of OpenEXR's internal_ht.cpp), in a worker so that the caller can stop a decode that does not end
// (some damaged codestreams make OpenJPH loop): see htj2k-decoder.ts for the protocol.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(m: object): { module: string; name: string }[] };
  Instance: new (m: object, imports: object) => { exports: unknown };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface OpenJphExports {
  memory: { buffer: ArrayBuffer };
  _initialize(): void;
  exr_ht_alloc(bytes: number): number;
  exr_ht_free(at: number): void;
  exr_ht_info(): number;
  exr_ht_samples(): number;
  exr_ht_decode(codestream: number, length: number, planar: number, maxSamples: number): number;
}

/** An instance's memory is never given back: past this, the next decode starts from a fresh instance. */
const MEMORY_KEPT_BYTES = 256 * 1024 * 1024;

const wasm = new WebAssemblyApi.Module(
  readFileSync(new URL("../../native/openjph/openjph-exr.wasm", import.meta.url)),
);

/** The WASI calls OpenJPH's C library links (stderr messages, never reached with messages off): all refused. */
function wasiStubs(): object {
  const imports: Record<string, Record<string, () => number>> = {};
  for (const i of WebAssemblyApi.Module.imports(wasm)) {
    imports[i.module] ??= {};
    imports[i.module]![i.name] = () => 52; // ENOSYS
  }
  return imports;
}

function instantiate(): OpenJphExports {
  const e = new WebAssemblyApi.Instance(wasm, wasiStubs()).exports as unknown as OpenJphExports;
  e._initialize();
  return e;
}

let codec: OpenJphExports | null = null;

interface Request {
  codestream: Uint8Array;
  planar: boolean;
  maxSamples: number;
  out: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
}

/**
 * ctl: [state (0 pending, 1 done, 2 failed), width, height, components, samples, then each component's width and
 * height]; out: the samples (Int32, components one after another).
 */
function decode(m: Request): number {
  const ctl = new Int32Array(m.ctl);
  codec ??= instantiate();
  const e = codec;
  const at = e.exr_ht_alloc(m.codestream.length);
  if (at === 0) return 2;
  new Uint8Array(e.memory.buffer, at, m.codestream.length).set(m.codestream);
  const rc = e.exr_ht_decode(at, m.codestream.length, m.planar ? 1 : 0, m.maxSamples);
  e.exr_ht_free(at);
  if (rc !== 0) return 2;
  const info = new Uint32Array(e.memory.buffer, e.exr_ht_info(), 3);
  const components = info[2]!;
  if (5 + 2 * components > ctl.length) return 2;
  const dims = new Uint32Array(e.memory.buffer, e.exr_ht_info() + 12, 2 * components);
  let count = 0;
  for (let c = 0; c < components; c++) count += dims[2 * c]! * dims[2 * c + 1]!;
  const out = new Int32Array(m.out);
  if (count > out.length) return 2;
  out.set(new Int32Array(e.memory.buffer, e.exr_ht_samples(), count));
  ctl.set([info[0]!, info[1]!, components, count], 1);
  ctl.set(dims, 5);
  return 1;
}

parentPort!.on("message", (m: Request) => {
  let state = 2;
  try {
    state = decode(m);
  } catch {
    codec = null; // a trap (OpenJPH refused the codestream) leaves the instance's heap unusable
  }
  if (codec && codec.memory.buffer.byteLength > MEMORY_KEPT_BYTES) codec = null;
  const ctl = new Int32Array(m.ctl);
  Atomics.store(ctl, 0, state);
  Atomics.notify(ctl, 0);
});
codec = instantiate();
parentPort!.postMessage("ready");
