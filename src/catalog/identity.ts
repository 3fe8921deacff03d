import { createHash } from "node:crypto";
import type { InspectionResult } from "../core/model.js";

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex"); // a string is hashed as its UTF-8 bytes
}

/** Deterministic file id: every writer of the same (path, header) computes the same 64-hex-char id. */
export function fileIdFor(normalizedPath: string, headerHash: string): string {
  return sha256Hex(`${normalizedPath}\0${headerHash}`);
}

/**
 * The header hash used as part of the unique key. When the inspector could not hash a header (unreadable or
 * damaged before the header ended) a surrogate is used so that re-scanning the same unchanged broken file yields
 * the same key and a changed broken file yields a new one:
 * `sha256("exr-inspector:unhashed\0" + size_bytes + "\0" + mtime + "\0" + sorted error codes joined by ",")`.
 */
export function catalogHeaderHash(result: InspectionResult): string {
  if (result.file.header_hash) return result.file.header_hash;
  const codes = result.validation.findings
    .filter((f) => f.severity === "error")
    .map((f) => f.code)
    .sort();
  return sha256Hex(
    `exr-inspector:unhashed\0${result.file.size_bytes}\0${result.file.mtime ?? ""}\0${codes.join(",")}`,
  );
}
