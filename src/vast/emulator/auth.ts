/**
 * Request authentication. The SDK signs with AWS SigV4 (service s3, empty region). The emulator always checks
 * that the access key of the `Authorization` credential scope is a configured one (403 `InvalidAccessKeyId`);
 * with `verifySignatures` (the default) it also recomputes the signature with the key's secret over the signed headers,
 * the raw path, the sorted query and the payload hash (403 `SignatureDoesNotMatch`).
 */
import { createHmac, hash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { EmulatorError } from "./errors.js";

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,]*)\/([^/,]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

export interface ParsedAuthorization {
  /** From a presigned URL's query (`X-Amz-Credential`, …) rather than the Authorization header. */
  presigned?: boolean;
  /** Presigned: `X-Amz-Date`; `X-Amz-Expires` seconds. */
  amzDate?: string;
  expires?: number;
  accessKey: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(authorization: string | undefined): ParsedAuthorization | null {
  if (!authorization) return null;
  const m = AUTH_PATTERN.exec(authorization.trim());
  if (!m) return null;
  return {
    accessKey: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(";"),
    signature: m[6]!,
  };
}

/** The SigV4 fields of a presigned URL (`?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…`), or null. */
export function parsePresigned(rawUrl: string): ParsedAuthorization | null {
  const q = rawUrl.indexOf("?");
  if (q < 0) return null;
  const params = new URLSearchParams(rawUrl.slice(q + 1));
  if (params.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") return null;
  const credential = /^([^/]+)\/(\d{8})\/([^/]*)\/([^/]+)\/aws4_request$/.exec(
    params.get("X-Amz-Credential") ?? "",
  );
  const signature = params.get("X-Amz-Signature") ?? "";
  if (!credential || !/^[0-9a-f]{64}$/.test(signature)) return null;
  return {
    presigned: true,
    amzDate: params.get("X-Amz-Date") ?? "",
    expires: Number(params.get("X-Amz-Expires") ?? "0"),
    accessKey: credential[1]!,
    date: credential[2]!,
    region: credential[3]!,
    service: credential[4]!,
    signedHeaders: (params.get("X-Amz-SignedHeaders") ?? "host").split(";"),
    signature,
  };
}

/** Milliseconds since the epoch of an `X-Amz-Date` (`20260101T000000Z`), NaN when malformed. */
function amzDateMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

/** The access key of an Authorization header that is not a well-formed SigV4 one. */
function looseAccessKey(authorization: string | undefined): string | null {
  const loose = /Credential=([^/,\s]+)\//.exec(authorization ?? "");
  return loose ? loose[1]! : null;
}

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Candidate canonical query strings: the raw sorted pairs (what the Python SDK signs) and the RFC 3986 form. */
function canonicalQueries(rawQuery: string): string[] {
  if (rawQuery === "") return [""];
  const raw = rawQuery
    .split("&")
    .filter((p) => p !== "")
    .map((p) => (p.includes("=") ? p : `${p}=`))
    .sort()
    .join("&");
  const normalized = [...new URLSearchParams(rawQuery)]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  return raw === normalized ? [raw] : [raw, normalized];
}

/** SHA-256 of an empty body. */
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** One-shot: a third of createHash(...).update(...).digest()'s cost per request. */
const sha256Hex = (data: string | Uint8Array) => hash("sha256", data, "hex");

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** Signing keys by secret and scope: deriving one costs four HMACs, which was a third of the emulator's CPU per GET. */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 1024;

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  // The secret's length first: any secret, date, region and service give one id, and no two give the same.
  const id = `${secret.length}:${secret}/${date}/${region}/${service}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as on the request line. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

function signatureMatches(req: SignedRequest, auth: ParsedAuthorization, secret: string): boolean {
  const q = req.rawUrl.indexOf("?");
  const path = q < 0 ? req.rawUrl : req.rawUrl.slice(0, q);
  const query = q < 0 ? "" : req.rawUrl.slice(q + 1);
  const header = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v.join(",") : (v ?? "")).trim().replace(/\s+/g, " ");
  };
  const amzDate = auth.presigned ? auth.amzDate : header("x-amz-date");
  // Streamed (aws-chunked) and unsigned payloads are signed with the literal in the header; presigned
  // URLs always with UNSIGNED-PAYLOAD. Chunk signatures of streamed payloads are not recomputed.
  const declaredHash = auth.presigned ? "UNSIGNED-PAYLOAD" : header("x-amz-content-sha256");
  const literal = declaredHash === "UNSIGNED-PAYLOAD" || declaredHash.startsWith("STREAMING-");
  const bodyHash = literal ? "" : req.body.length === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
  if (declaredHash && !literal && declaredHash !== bodyHash) return false;
  const payloadHash = literal ? declaredHash : bodyHash;
  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${header(h)}\n`).join("");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const key = signingKey(secret, auth.date, auth.region, auth.service);
  const expected = Buffer.from(auth.signature, "hex");
  const signedQuery = auth.presigned
    ? query
        .split("&")
        .filter((p) => !p.startsWith("X-Amz-Signature="))
        .join("&")
    : query;
  return canonicalQueries(signedQuery).some((canonicalQuery) => {
    const canonicalRequest = [
      req.method,
      path || "/",
      canonicalQuery,
      canonicalHeaders,
      auth.signedHeaders.join(";"),
      payloadHash,
    ].join("\n");
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
    return timingSafeEqual(createHmac("sha256", key).update(stringToSign, "utf8").digest(), expected);
  });
}

/** An empty key map means open mode: any (or no) signature is accepted. */
export function checkAccess(
  req: SignedRequest,
  keys: ReadonlyMap<string, string>,
  verifySignatures = true,
): void {
  if (keys.size === 0) return;
  const authorization = req.headers.authorization;
  if (authorization === undefined && checkPresignedV2(req, keys, verifySignatures)) return;
  const presigned = authorization === undefined ? parsePresigned(req.rawUrl) : null;
  // Parsed once: the access key and, when signatures are verified, the rest.
  const parsed = presigned ?? parseAuthorization(authorization);
  const key = parsed ? parsed.accessKey : looseAccessKey(authorization);
  if (key === null) throw new EmulatorError(403, "AccessDenied", "request is not signed");
  const secret = keys.get(key);
  if (secret === undefined) throw new EmulatorError(403, "InvalidAccessKeyId", `unknown access key ${key}`);
  if (presigned) {
    const expiresAt = amzDateMs(presigned.amzDate ?? "") + (presigned.expires ?? 0) * 1000;
    if (!(Date.now() <= expiresAt)) throw new EmulatorError(403, "AccessDenied", "Request has expired");
  }
  if (!verifySignatures) return;
  if (!parsed || !signatureMatches(req, parsed, secret))
    throw new EmulatorError(403, "SignatureDoesNotMatch", "the request signature does not match");
}

/**
 * Query-string authentication of signature version 2 (`?AWSAccessKeyId=…&Expires=…&Signature=…`), what boto3's
 * generate_presigned_url produces for S3 by default. False when the URL carries no such parameters.
 */
function checkPresignedV2(req: SignedRequest, keys: ReadonlyMap<string, string>, verify: boolean): boolean {
  const q = req.rawUrl.indexOf("?");
  if (q < 0) return false;
  const params = new URLSearchParams(req.rawUrl.slice(q + 1));
  const key = params.get("AWSAccessKeyId");
  const signature = params.get("Signature");
  const expires = Number(params.get("Expires"));
  if (key === null || signature === null) return false;
  const secret = keys.get(key);
  if (secret === undefined) throw new EmulatorError(403, "InvalidAccessKeyId", `unknown access key ${key}`);
  if (!(Date.now() <= expires * 1000)) throw new EmulatorError(403, "AccessDenied", "Request has expired");
  if (!verify) return true;
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(",") : (v ?? "");
  };
  // The resource: the raw path plus the sub-resources S3 signs (none of the read requests here use them).
  const path = req.rawUrl.slice(0, q);
  const stringToSign = [
    req.method,
    header("content-md5"),
    header("content-type"),
    String(expires),
    path,
  ].join("\n");
  const expected = createHmac("sha1", secret).update(stringToSign, "utf8").digest();
  const given = Buffer.from(signature, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new EmulatorError(403, "SignatureDoesNotMatch", "the request signature does not match");
  return true;
}
