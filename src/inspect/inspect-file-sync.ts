import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { inspectionPlan } from "../core/inspection-plan.js";
import type { InspectionResult } from "../core/model.js";
import { type InspectOptions, ioFailure, planOptions } from "./options.js";

/**
 * The first read of every file lands in this reused buffer: the inspection never keeps a view of
 * it past its own return (results hold decoded values only), and sync calls cannot interleave.
 */
let scratch: Buffer = Buffer.allocUnsafe(64 * 1024);

function readAt(fd: number, offset: number, length: number, first: boolean): Uint8Array {
  let out: Buffer;
  if (first && length <= scratch.length) {
    out = scratch;
  } else {
    out = Buffer.allocUnsafe(length);
    if (first) scratch = out;
  }
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
  const plan = planOptions(path, options);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    return ioFailure(plan.path, err);
  }
  try {
    const st = fstatSync(fd);
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
