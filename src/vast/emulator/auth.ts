/**
 * Request authentication. The SDK signs with AWS SigV4 (service s3, empty region). The emulator always checks
 * that the access key of the `Authorization` credential scope is a configured one (403 `InvalidAccessKeyId`);
 * with `verifySignatures` (the default) it also recomputes the signature with the key's secret over the signed headers,
 * the raw path, the sorted query and the payload hash (403 `SignatureDoesNotMatch`).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { EmulatorError } from "./errors.js";

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,]*)\/([^/,]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

export interface ParsedAuthorization {
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

export function accessKeyOf(authorization: string | undefined): string | null {
  const parsed = parseAuthorization(authorization);
  if (parsed) return parsed.accessKey;
  const loose = /Credential=([^/,\s]+)\//.exec(authorization ?? "");
  return loose ? loose[1]! : null;
}

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Candidate canonical query strings: the raw sorted pairs (what the Python SDK signs) and the RFC 3986 form. */
function canonicalQueries(rawQuery: string): string[] {
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

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

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
  const amzDate = header("x-amz-date");
  const declaredHash = header("x-amz-content-sha256");
  const bodyHash = createHash("sha256").update(req.body).digest("hex");
  if (declaredHash && declaredHash !== "UNSIGNED-PAYLOAD" && declaredHash !== bodyHash) return false;
  const payloadHash = declaredHash === "UNSIGNED-PAYLOAD" ? declaredHash : bodyHash;
  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${header(h)}\n`).join("");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  let key = hmac(`AWS4${secret}`, auth.date);
  key = hmac(key, auth.region);
  key = hmac(key, auth.service);
  key = hmac(key, "aws4_request");
  const expected = Buffer.from(auth.signature, "hex");
  return canonicalQueries(query).some((canonicalQuery) => {
    const canonicalRequest = [
      req.method,
      path || "/",
      canonicalQuery,
      canonicalHeaders,
      auth.signedHeaders.join(";"),
      payloadHash,
    ].join("\n");
    const stringToSign = [
      "AWS4-HMAC-SHA256",
      amzDate,
      scope,
      createHash("sha256").update(canonicalRequest, "utf8").digest("hex"),
    ].join("\n");
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
  const key = accessKeyOf(authorization);
  if (key === null) throw new EmulatorError(403, "AccessDenied", "request is not signed");
  const secret = keys.get(key);
  if (secret === undefined) throw new EmulatorError(403, "InvalidAccessKeyId", `unknown access key ${key}`);
  if (!verifySignatures) return;
  const parsed = parseAuthorization(authorization);
  if (!parsed || !signatureMatches(req, parsed, secret))
    throw new EmulatorError(403, "SignatureDoesNotMatch", "the request signature does not match");
}
