import { closeSync, readSync, type Stats } from "node:fs";
import { inspectionPlan } from "../core/inspection-plan.js";
import type { InspectionResult } from "../core/model.js";
import { openRegularFileSync } from "../io/regular-file.js";
import { type InspectOptions, ioFailure, planOptions } from "./options.js";

/**
 * The first read of a local file. Smaller than the core's default (64 KiB, chosen so one round trip
 * covers headers and offset tables on remote sources): a local read costs little per call but its copy
 * grows with its size. Measured (CPU per file): 32 KiB is 7-9 % cheaper than 64 KiB on generated renders
 * and no worse on the corpus; 16 KiB was as cheap on renders but made 16-32 KiB headers (Cryptomatte
 * manifests) scan twice. Larger headers and tables are read on demand.
 */
export const LOCAL_FIRST_READ_BYTES = 32 * 1024;

/**
 * Reads land in two reused buffers: the first read (the header prefix, which the plan keeps until
 * it returns) and every later one (offset tables, then the last chunk header: each is consumed
 * before the next read). The inspection never keeps a view of either past its own return (results
 * hold decoded values only), and sync calls cannot interleave. Later reads larger than
 * REUSED_MAX get a buffer of their own, so a huge offset table is not kept alive.
 */
const REUSED_MAX = 4 * 1024 * 1024;
let firstScratch: Buffer = Buffer.allocUnsafe(LOCAL_FIRST_READ_BYTES);
let laterScratch: Buffer = Buffer.allocUnsafe(64 * 1024);

function bufferFor(length: number, first: boolean): Buffer {
  if (first) {
    if (length > firstScratch.length) firstScratch = Buffer.allocUnsafe(length);
    return firstScratch;
  }
  if (length <= laterScratch.length) return laterScratch;
  const out = Buffer.allocUnsafe(length);
  if (length <= REUSED_MAX) laterScratch = out;
  return out;
}

function readAt(fd: number, offset: number, length: number, first: boolean): Uint8Array {
  const out = bufferFor(length, first);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  // A plain Uint8Array view: Buffer's own subarray is slower, and the core slices this a lot.
  return new Uint8Array(out.buffer, out.byteOffset, done);
}

/** Blocking-I/O inspection of a local file: open, fstat, the plan's reads, close. Never throws. */
export function inspectFileSync(path: string, options: InspectOptions = {}): InspectionResult {
  const plan = planOptions(path, options, LOCAL_FIRST_READ_BYTES);
  let fd: number;
  let st: Stats;
  try {
    ({ fd, stats: st } = openRegularFileSync(path));
  } catch (err) {
    return ioFailure(plan.path, err);
  }
  try {
    const steps = inspectionPlan(st.size, st.mtime, plan);
    let step = steps.next();
    let first = true;
    while (!step.done) {
      const { offset, length } = step.value;
      try {
        step = steps.next(readAt(fd, offset, length, first));
      } catch (err) {
        step = steps.throw(err);
      }
      first = false;
    }
    return step.value;
  } catch (err) {
    return ioFailure(plan.path, err);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // a read-only descriptor's close failure cannot change the result
    }
  }
}
