/** `s3://bucket/key` URIs: what names an object, what names a prefix to list. */

export interface S3Location {
  bucket: string;
  /** The key, or the prefix when it is empty or ends with `/`. */
  key: string;
}

export const isS3Uri = (arg: string) => /^s3:\/\//i.test(arg);
export const isHttpUrl = (arg: string) => /^https?:\/\//i.test(arg);
export const isRemote = (arg: string) => isS3Uri(arg) || isHttpUrl(arg);

/** Parses `s3://bucket[/key]`; null when it is not one. Keys are kept exactly (case, spaces, `//`). */
export function parseS3Uri(uri: string): S3Location | null {
  // No `$`: with the s flag `(.*)` takes everything to the end anyway.
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?/is.exec(uri);
  if (!m) return null;
  return { bucket: m[1]!, key: m[2] ?? "" };
}

export const s3Uri = (bucket: string, key: string) => `s3://${bucket}/${key}`;

/** A listing argument (`s3://bucket`, `s3://bucket/`, `s3://bucket/renders/`) rather than one object. */
export const isS3Prefix = (location: S3Location) => location.key === "" || location.key.endsWith("/");
