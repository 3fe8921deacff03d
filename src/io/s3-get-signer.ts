/**
 * AWS Signature Version 4 for one S3 GET with an empty body (header-signed, as the SDK signs GetObject and
 * ListObjectsV2),
 * on node:crypto with the signing key kept per day. The SDK's SignatureV4 gives the same signature (a test
 * compares them) but costs ~10x the CPU per request, which at thousands of small ranged GETs a second is
 * most of the client's work.
 */
import { createHmac, hash } from "node:crypto";

/** SHA-256 of an empty body: a GET's payload hash. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface GetCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface GetToSign {
  /** `host[:port]` as sent in the Host header. */
  host: string;
  /** The path as sent: already URI-encoded (S3 does not encode it twice). */
  path: string;
  /** Headers besides host/x-amz-*: lower-case names (e.g. range, if-match). */
  headers: Record<string, string>;
  date: Date;
  /** Query parameters, unencoded (e.g. ListObjectsV2's `list-type`, `prefix`); send them as `queryString` gives. */
  query?: Record<string, string>;
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves `!'()*` as they are). */
export const encodeRfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The canonical query string, which is also what is sent: names sorted, names and values encoded. */
export const queryString = (query: Record<string, string> = {}) =>
  Object.keys(query)
    .sort()
    .map((k) => `${encodeRfc3986(k)}=${encodeRfc3986(query[k]!)}`)
    .join("&");

const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
/** A header value as SigV4 canonicalizes it: trimmed, runs of spaces as one (most values need neither). */
const canonicalValue = (v: string) => (/^\S(?:\S| (?=\S))*$/.test(v) ? v : v.trim().replace(/\s+/g, " "));
/** Insertion sort by UTF-16 code units, as Array#sort compares strings: a signed request has 4-6 names. */
function sortStrings(a: string[]): void {
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

export class S3GetSigner {
  private stampSecond = Number.NaN;
  // Stryker disable next-line StringLiteral: a cache's initial value; the first call always replaces it
  private stamp = "";
  // Stryker disable next-line StringLiteral: a cache's initial value; the first call always replaces it
  private keyDay = "";
  // Stryker disable next-line StringLiteral: a cache's initial value; the first call always replaces it
  private keySecret = "";
  private key: Buffer = Buffer.alloc(0);

  constructor(
    private readonly region: string,
    private readonly service = "s3",
  ) {}

  private signingKey(secret: string, day: string): Buffer {
    if (day !== this.keyDay || secret !== this.keySecret) {
      const dated = hmac(`AWS4${secret}`, day);
      this.key = hmac(hmac(hmac(dated, this.region), this.service), "aws4_request");
      this.keyDay = day;
      this.keySecret = secret;
    }
    return this.key;
  }

  /** Every header to send: the given ones plus host, x-amz-date, x-amz-content-sha256, token, authorization. */
  sign(request: GetToSign, credentials: GetCredentials): Record<string, string> {
    // Thousands of requests a second share their timestamp: formatted once per second.
    // Stryker disable next-line ArithmeticOperator: only a cache key (any value changing with the second keeps the same stamp)
    const second = Math.floor(request.date.getTime() / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stamp = amzDate(request.date);
    }
    const stamp = this.stamp;
    const day = stamp.slice(0, 8);
    const token = credentials.sessionToken;
    const own = (name: string): string | undefined =>
      name === "host"
        ? request.host
        : name === "x-amz-content-sha256"
          ? EMPTY_SHA256
          : name === "x-amz-date"
            ? stamp
            : name === "x-amz-security-token"
              ? token || undefined
              : undefined;
    // Built by assignment in sorted order (an object spread and Object.keys().sort() of it cost more than the
    // SHA-256 and HMAC of the signature together).
    const names = ["host", "x-amz-content-sha256", "x-amz-date"];
    if (token) names.push("x-amz-security-token");
    for (const name in request.headers) if (own(name) === undefined) names.push(name);
    sortStrings(names);
    const headers: Record<string, string> = {};
    let canonicalHeaders = "";
    for (const name of names) {
      const value = own(name) ?? request.headers[name]!;
      headers[name] = value;
      canonicalHeaders += `${name}:${canonicalValue(value)}\n`;
    }
    const signedHeaders = names.join(";");
    const query = request.query === undefined ? "" : queryString(request.query);
    const canonicalRequest = `GET\n${request.path}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${EMPTY_SHA256}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${hash("sha256", canonicalRequest, "hex")}`;
    const signature = createHmac("sha256", this.signingKey(credentials.secretAccessKey, day))
      .update(toSign)
      .digest("hex");
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }
}
