import type { SizeLimitsCheck } from "../model.js";
import { type CheckInput, PASS, type Verdict, violation } from "./verdict.js";

export function checkSizeLimits(check: SizeLimitsCheck, { result }: CheckInput): Verdict {
  const { size_bytes, header_bytes } = result.file;
  if (check.min_file_bytes !== undefined && size_bytes < check.min_file_bytes)
    return violation(`file >= ${check.min_file_bytes} bytes`, `${size_bytes} bytes`);
  if (check.max_file_bytes !== undefined && size_bytes > check.max_file_bytes)
    return violation(`file <= ${check.max_file_bytes} bytes`, `${size_bytes} bytes`);
  if (
    check.max_header_bytes !== undefined &&
    (header_bytes === null || header_bytes > check.max_header_bytes)
  )
    return violation(`header <= ${check.max_header_bytes} bytes`, `${header_bytes ?? "unknown"} bytes`);
  return PASS;
}
