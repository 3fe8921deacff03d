import type { FileNameCheck, FrameNumberCheck } from "../model.js";
import { baseName } from "./facts.js";
import { regex } from "./pattern.js";
import { type CheckInput, PASS, type Verdict, violation } from "./verdict.js";

export function checkFileName(check: FileNameCheck, { result }: CheckInput): Verdict {
  const name = baseName(result.file.path);
  return regex(check.pattern).test(name) ? PASS : violation(`file name matching /${check.pattern}/`, name);
}

/** The frame number's digits as written (`beauty.0042.exr` → `0042`); the number itself is the core's. */
function frameDigits(name: string): string {
  return /(\d+)(?:\.exr)?$/i.exec(name)?.[1] ?? "";
}

export function checkFrameNumber(check: FrameNumberCheck, { result }: CheckInput): Verdict {
  const name = baseName(result.file.path);
  const frame = result.file.frame_number;
  if (frame === null)
    return check.required === false ? PASS : violation("a frame number (name.1001.exr)", name);
  const digits = frameDigits(name);
  if (check.min_padding !== undefined && digits.length < check.min_padding)
    return violation(`frame number padded to ${check.min_padding} digits`, digits);
  if (check.min !== undefined && frame < check.min) return violation(`frame >= ${check.min}`, String(frame));
  if (check.max !== undefined && frame > check.max) return violation(`frame <= ${check.max}`, String(frame));
  return PASS;
}
