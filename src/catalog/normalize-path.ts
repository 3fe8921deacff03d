import path from "node:path";

/**
 * Canonical form of a file location used as the catalog's identity key:
 * - local paths become absolute with `.`, `..` and duplicate slashes resolved (against `cwd`);
 * - S3 URIs become `s3://bucket/key` (scheme and bucket lower-cased, the key kept byte-for-byte as S3 treats
 *   `a//b` and `a/./b` as distinct keys);
 * - other URIs (`memory:name`, `https://…`) are kept as given;
 * - always Unicode NFC, never lower-cased (`A.exr` and `a.exr` are different files on Linux and S3).
 */
export function normalizePath(location: string, cwd: string = process.cwd()): string {
  const s3 = /^s3:\/\/([^/]*)\/?(.*)$/is.exec(location);
  // Both groups always take part in a match (possibly empty).
  if (s3) return `s3://${s3[1]!.toLowerCase()}/${s3[2]!}`.normalize("NFC");
  if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) {
    return location.normalize("NFC");
  }
  return path.posix.resolve(cwd, location).normalize("NFC");
}
