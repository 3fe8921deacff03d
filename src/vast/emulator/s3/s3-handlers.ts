/**
 * The S3 object API on the emulator's port: buckets, objects with ranges and preconditions, listings,
 * copies and multipart uploads, answered as S3 answers them (status codes, headers, XML documents).
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { EmulatorError } from "../errors.js";
import type { Reply } from "../handlers.js";
import { decodeAwsChunked, isAwsChunked } from "./chunked-payload.js";
import {
  md5ETag,
  multipartETag,
  noSuchKey,
  type ObjectAttributes,
  type ObjectStore,
  type StoredObject,
} from "./object-store.js";
import {
  completeMultipartXml,
  copyObjectXml,
  copyPartXml,
  deleteResultXml,
  initiateMultipartXml,
  listBucketsXml,
  listObjectsV1Xml,
  listObjectsV2Xml,
  listPartsXml,
  listUploadsXml,
  locationXml,
  type NameEncoder,
  parseCompleteMultipart,
  parseDelete,
  plainNames,
  urlEncodedNames,
} from "./xml.js";

/** S3's smallest part, except the last one. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;
const XML = { "Content-Type": "application/xml" };

interface Part {
  etag: string;
  bytes: Uint8Array;
  lastModified: Date;
}

interface Upload {
  bucket: string;
  key: string;
  attributes: ObjectAttributes;
  initiated: Date;
  parts: Map<number, Part>;
}

const noSuchUpload = () =>
  new EmulatorError(404, "NoSuchUpload", "The specified multipart upload does not exist.");
const invalidArgument = (message: string) => new EmulatorError(400, "InvalidArgument", message);
const preconditionFailed = () =>
  new EmulatorError(
    412,
    "PreconditionFailed",
    "At least one of the pre-conditions you specified did not hold",
  );

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

const bareETag = (etag: string) => etag.trim().replace(/^W\//, "").replaceAll('"', "");

/** An `If-Match`/`If-None-Match` list (`*` or comma-separated ETags) against the object's ETag. */
function etagListMatches(list: string, etag: string): boolean {
  return list.split(",").some((e) => e.trim() === "*" || bareETag(e) === bareETag(etag));
}

/** The last date formatted: a GET formats its object's Last-Modified, and most GETs read the same few objects. */
let lastHttpDate = { ms: Number.NaN, text: "" };
const httpDate = (d: Date) => {
  const ms = d.getTime();
  if (ms !== lastHttpDate.ms) lastHttpDate = { ms, text: d.toUTCString() };
  return lastHttpDate.text;
};

function dateHeader(headers: IncomingHttpHeaders, name: string): number | null {
  const raw = header(headers, name);
  if (raw === undefined) return null;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : t;
}

/** Seconds precision, as HTTP dates carry. */
const seconds = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;

/** S3's precedence: If-Match beats If-Unmodified-Since; If-None-Match beats If-Modified-Since. */
function checkReadPreconditions(headers: IncomingHttpHeaders, o: StoredObject): "ok" | "not-modified" {
  const ifMatch = header(headers, "if-match");
  const ifNoneMatch = header(headers, "if-none-match");
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, o.etag)) throw preconditionFailed();
  } else {
    const unmodifiedSince = dateHeader(headers, "if-unmodified-since");
    if (unmodifiedSince !== null && seconds(o.lastModified) > unmodifiedSince) throw preconditionFailed();
  }
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, o.etag)) return "not-modified";
  } else {
    const modifiedSince = dateHeader(headers, "if-modified-since");
    if (modifiedSince !== null && seconds(o.lastModified) <= modifiedSince) return "not-modified";
  }
  return "ok";
}

export type ByteRange = { start: number; end: number } | "unsatisfiable" | null;

/**
 * A `Range: bytes=…` header against an object size: `[start, end)`, "unsatisfiable" (416), or null when
 * absent or not understood (the whole object is sent, as HTTP prescribes for invalid ranges).
 */
export function parseRange(raw: string | undefined, size: number): ByteRange {
  if (raw === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(raw);
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(m[1]);
  const last = m[2] === "" ? Number.POSITIVE_INFINITY : Number(m[2]);
  if (last < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(size, last + 1) };
}

function objectHeaders(o: StoredObject): Record<string, string> {
  const h: Record<string, string> = {
    ETag: o.etag,
    "Last-Modified": httpDate(o.lastModified),
    "Content-Type": o.contentType,
    "Accept-Ranges": "bytes",
  };
  for (const [k, v] of Object.entries(o.metadata)) h[`x-amz-meta-${k}`] = v;
  return h;
}

function attributesOf(headers: IncomingHttpHeaders): ObjectAttributes {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (name.startsWith("x-amz-meta-") && value !== undefined)
      metadata[name.slice("x-amz-meta-".length)] = Array.isArray(value) ? value.join(",") : value;
  return { contentType: header(headers, "content-type") ?? "binary/octet-stream", metadata };
}

/** The uploaded bytes: aws-chunked framing removed, `Content-MD5` checked. */
function payloadOf(body: Uint8Array, headers: IncomingHttpHeaders): Uint8Array {
  const payload = isAwsChunked(headers) ? decodeAwsChunked(body, headers) : body;
  const md5 = header(headers, "content-md5");
  if (md5 !== undefined) {
    const declared = Buffer.from(md5, "base64");
    if (declared.length !== 16)
      throw new EmulatorError(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
    if (!declared.equals(createHash("md5").update(payload).digest()))
      throw new EmulatorError(
        400,
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
      );
  }
  return payload;
}

function integerParam(value: string | null, name: string, min: number, max: number): number | null {
  if (value === null) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw invalidArgument(`${name} must be an integer between ${min} and ${max}`);
  return n;
}

const encodeToken = (last: string) => Buffer.from(last, "utf8").toString("base64url");
function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (encodeToken(text) !== token.replace(/=+$/, ""))
    throw invalidArgument("The continuation token provided is incorrect");
  return text;
}

/** The bucket and key of a request path (raw, so `..`, `//` and encoded slashes in keys are kept). */
export function splitPath(rawUrl: string): { bucket: string; key: string } {
  const q = rawUrl.indexOf("?");
  const path = (q < 0 ? rawUrl : rawUrl.slice(0, q)).replace(/^\/+/, "");
  const slash = path.indexOf("/");
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw invalidArgument(`malformed path "${s}"`);
    }
  };
  if (slash < 0) return { bucket: decode(path), key: "" };
  return { bucket: decode(path.slice(0, slash)), key: decode(path.slice(slash + 1)) };
}

/** Traffic counters of the S3 side (benchmarks read them through the admin endpoint). */
export interface S3Traffic {
  requests: number;
  get_requests: number;
  /** Object bytes sent in GetObject answers. */
  bytes_served: number;
  /** The most S3 requests in progress at once (counted from arrival, injected latency included). */
  max_in_flight: number;
}

export class S3Handlers {
  private readonly uploads = new Map<string, Upload>();
  readonly traffic: S3Traffic = { requests: 0, get_requests: 0, bytes_served: 0, max_in_flight: 0 };
  /** Told of every completed write (`ObjectCreated:Put|Copy|CompleteMultipartUpload`): object notifications. */
  onObjectCreated: ((bucket: string, object: StoredObject, eventName: string) => void) | null = null;

  constructor(
    private readonly store: ObjectStore,
    private readonly region = "us-east-1",
  ) {}

  async handle(
    method: string,
    rawUrl: string,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
    /** `rawUrl` parsed (the server has it already). */
    url = new URL(rawUrl, "http://emulator"),
  ): Promise<Reply> {
    const { bucket, key } = splitPath(rawUrl);
    const q = url.searchParams;
    this.traffic.requests++;
    const reply = await this.dispatch(method, bucket, key, q, headers, body);
    if (method === "GET" && key !== "" && !q.has("uploadId")) {
      this.traffic.get_requests++;
      this.traffic.bytes_served += Number(reply.headers?.["Content-Length"] ?? 0);
    }
    reply.headers = { "x-amz-request-id": this.requestId(), ...reply.headers };
    return reply;
  }

  /** Unique per request, as S3's are: a random prefix per emulator and a counter (random bytes per request
   * cost more than the rest of a ranged GET's handling). */
  private readonly requestIdPrefix = randomBytes(4).toString("hex").toUpperCase();
  private requestCount = 0;
  private requestId(): string {
    return `${this.requestIdPrefix}${(++this.requestCount).toString(16).toUpperCase().padStart(8, "0")}`;
  }

  private dispatch(
    method: string,
    bucket: string,
    key: string,
    q: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> | Reply {
    if (bucket === "") {
      if (method === "GET") return { headers: XML, body: listBucketsXml(this.store.listBuckets()) };
      throw new EmulatorError(405, "MethodNotAllowed", `${method} / is not allowed`);
    }
    if (key === "") return this.bucketRequest(method, bucket, q, headers, body);
    const uploadId = q.get("uploadId");
    switch (method) {
      case "GET":
        if (uploadId !== null) return this.listParts(bucket, key, uploadId);
        return this.getObject(bucket, key, headers, false);
      case "HEAD":
        return this.getObject(bucket, key, headers, true);
      case "PUT":
        if (uploadId !== null) return this.uploadPart(bucket, key, uploadId, q, headers, body);
        if (header(headers, "x-amz-copy-source") !== undefined) return this.copyObject(bucket, key, headers);
        return this.putObject(bucket, key, headers, body);
      case "POST":
        if (q.has("uploads")) return this.createMultipart(bucket, key, headers);
        if (uploadId !== null) return this.completeMultipart(bucket, key, uploadId, body);
        break;
      case "DELETE":
        if (uploadId !== null) return this.abortMultipart(bucket, key, uploadId);
        return this.deleteObject(bucket, key);
    }
    throw new EmulatorError(405, "MethodNotAllowed", `${method} is not allowed on an object`);
  }

  private async bucketRequest(
    method: string,
    bucket: string,
    q: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    switch (method) {
      case "PUT":
        if ([...q.keys()].some((k) => k !== "x-id"))
          throw new EmulatorError(501, "NotImplemented", "bucket configuration is not emulated");
        await this.store.createBucket(bucket);
        return { headers: { Location: `/${bucket}` } };
      case "HEAD":
        this.requireBucket(bucket);
        return { headers: { "x-amz-bucket-region": this.region } };
      case "DELETE":
        await this.store.deleteBucket(bucket);
        return { status: 204 };
      case "POST":
        if (q.has("delete")) return this.deleteObjects(bucket, headers, body);
        break;
      case "GET": {
        this.requireBucket(bucket);
        if (q.has("location")) return { headers: XML, body: locationXml(this.region) };
        if (q.has("versioning"))
          return {
            headers: XML,
            body: '<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
          };
        if (q.has("uploads")) return this.listUploads(bucket);
        const other = [...q.keys()].find(
          (k) =>
            ![
              "list-type",
              "prefix",
              "delimiter",
              "max-keys",
              "continuation-token",
              "start-after",
              "encoding-type",
              "fetch-owner",
              "marker",
              "x-id",
            ].includes(k),
        );
        if (other !== undefined)
          throw new EmulatorError(501, "NotImplemented", `bucket subresource ?${other} is not emulated`);
        return this.listObjects(bucket, q);
      }
    }
    throw new EmulatorError(405, "MethodNotAllowed", `${method} is not allowed on a bucket`);
  }

  private requireBucket(bucket: string): void {
    if (!this.store.hasBucket(bucket))
      throw new EmulatorError(404, "NoSuchBucket", `The specified bucket does not exist: ${bucket}`);
  }

  private listObjects(bucket: string, q: URLSearchParams): Reply {
    const v2 = q.get("list-type") === "2";
    const encodingType = q.get("encoding-type");
    if (encodingType !== null && encodingType !== "url") throw invalidArgument("Invalid Encoding Method");
    const encode: NameEncoder = encodingType === "url" ? urlEncodedNames : plainNames;
    const prefix = q.get("prefix") ?? "";
    const delimiter = q.get("delimiter") ?? "";
    const maxKeys = integerParam(q.get("max-keys"), "max-keys", 0, 2 ** 31 - 1) ?? 1000;
    const capped = Math.min(maxKeys, 1000);
    const token = v2 ? q.get("continuation-token") : null;
    const startAfter = v2 ? q.get("start-after") : null;
    const marker = v2 ? "" : (q.get("marker") ?? "");
    const after = token !== null ? decodeToken(token) : (startAfter ?? marker);
    const page =
      capped === 0
        ? { contents: [], commonPrefixes: [], truncated: false, last: null }
        : this.store.list(bucket, { prefix, delimiter, after, maxKeys: capped });
    const listing = {
      bucket,
      prefix,
      delimiter,
      maxKeys,
      truncated: page.truncated,
      contents: page.contents,
      commonPrefixes: page.commonPrefixes,
      encode,
      encodingType,
    };
    const next = page.truncated && page.last !== null ? page.last : null;
    const body = v2
      ? listObjectsV2Xml({
          ...listing,
          continuationToken: token,
          next: next === null ? null : encodeToken(next),
          startAfter,
        })
      : listObjectsV1Xml({ ...listing, marker, nextMarker: next });
    return { headers: XML, body };
  }

  private async getObject(
    bucket: string,
    key: string,
    headers: IncomingHttpHeaders,
    headOnly: boolean,
  ): Promise<Reply> {
    // One retry: the version looked up may be replaced on disk before its bytes are read.
    for (let attempt = 0; ; attempt++) {
      const o = this.store.get(bucket, key);
      if (checkReadPreconditions(headers, o) === "not-modified")
        return { status: 304, headers: { ETag: o.etag, "Last-Modified": httpDate(o.lastModified) } };
      const range = parseRange(header(headers, "range"), o.size);
      if (range === "unsatisfiable")
        throw new EmulatorError(416, "InvalidRange", "The requested range is not satisfiable", {
          "Content-Range": `bytes */${o.size}`,
        });
      const start = range?.start ?? 0;
      const end = range?.end ?? o.size;
      const h = objectHeaders(o);
      h["Content-Length"] = String(end - start);
      if (range) h["Content-Range"] = `bytes ${start}-${end - 1}/${o.size}`;
      const status = range ? 206 : 200;
      if (headOnly) return { status, headers: h, body: "" };
      // Small answers are read first, so a version replaced meanwhile is retried instead of cut off.
      if (o.bytes || end - start <= 8 * 1024 * 1024) {
        try {
          return { status, headers: h, body: await this.store.read(bucket, o, start, end) };
        } catch (err) {
          if (attempt === 0 && err instanceof EmulatorError && err.code === "NoSuchKey") continue;
          throw err;
        }
      }
      return { status, headers: h, stream: this.store.stream(bucket, o, start, end) };
    }
  }

  private async putObject(
    bucket: string,
    key: string,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    this.requireBucket(bucket);
    const payload = payloadOf(body, headers);
    this.checkWritePreconditions(bucket, key, headers);
    const o = await this.store.put(bucket, key, [payload], md5ETag(payload), attributesOf(headers));
    this.onObjectCreated?.(bucket, o, "ObjectCreated:Put");
    return { headers: { ETag: o.etag } };
  }

  /** Conditional writes: `If-None-Match: *` (only if absent) and `If-Match: <etag>` (only that version). */
  private checkWritePreconditions(bucket: string, key: string, headers: IncomingHttpHeaders): void {
    const ifNoneMatch = header(headers, "if-none-match");
    const ifMatch = header(headers, "if-match");
    if (ifNoneMatch === undefined && ifMatch === undefined) return;
    let existing: StoredObject | null = null;
    try {
      existing = this.store.get(bucket, key);
    } catch (err) {
      if (!(err instanceof EmulatorError && err.code === "NoSuchKey")) throw err;
    }
    if (ifNoneMatch !== undefined && existing !== null && etagListMatches(ifNoneMatch, existing.etag))
      throw preconditionFailed();
    if (ifMatch !== undefined) {
      if (existing === null) throw noSuchKey(key);
      if (!etagListMatches(ifMatch, existing.etag)) throw preconditionFailed();
    }
  }

  /** The object named by `x-amz-copy-source` (`[/]bucket/key[?versionId=…]`, percent-encoded). */
  private copySource(headers: IncomingHttpHeaders): { bucket: string; object: StoredObject } {
    const raw = header(headers, "x-amz-copy-source") ?? "";
    const withoutVersion = raw.split("?")[0]!;
    const { bucket, key } = splitPath(withoutVersion.startsWith("/") ? withoutVersion : `/${withoutVersion}`);
    if (!bucket || !key) throw invalidArgument("Copy Source must mention the source bucket and key");
    const object = this.store.get(bucket, key);
    const ifMatch = header(headers, "x-amz-copy-source-if-match");
    if (ifMatch !== undefined && !etagListMatches(ifMatch, object.etag)) throw preconditionFailed();
    const ifNoneMatch = header(headers, "x-amz-copy-source-if-none-match");
    if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, object.etag)) throw preconditionFailed();
    return { bucket, object };
  }

  private async copyObject(bucket: string, key: string, headers: IncomingHttpHeaders): Promise<Reply> {
    this.requireBucket(bucket);
    const source = this.copySource(headers);
    const replace = (header(headers, "x-amz-metadata-directive") ?? "COPY").toUpperCase() === "REPLACE";
    if (!replace && source.bucket === bucket && source.object.key === key)
      throw new EmulatorError(
        400,
        "InvalidRequest",
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata.",
      );
    const bytes = await this.store.read(source.bucket, source.object, 0, source.object.size);
    const attributes = replace
      ? attributesOf(headers)
      : { contentType: source.object.contentType, metadata: { ...source.object.metadata } };
    // A copy keeps the source's ETag (a multipart source keeps its `-N` form).
    const o = await this.store.put(bucket, key, [bytes], source.object.etag, attributes);
    this.onObjectCreated?.(bucket, o, "ObjectCreated:Copy");
    return { headers: XML, body: copyObjectXml(o.etag, o.lastModified) };
  }

  private createMultipart(bucket: string, key: string, headers: IncomingHttpHeaders): Reply {
    this.requireBucket(bucket);
    const uploadId = randomBytes(16).toString("base64url");
    this.uploads.set(uploadId, {
      bucket,
      key,
      attributes: attributesOf(headers),
      initiated: new Date(),
      parts: new Map(),
    });
    return { headers: XML, body: initiateMultipartXml(bucket, key, uploadId) };
  }

  private upload(bucket: string, key: string, uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (!u || u.bucket !== bucket || u.key !== key) throw noSuchUpload();
    return u;
  }

  private async uploadPart(
    bucket: string,
    key: string,
    uploadId: string,
    q: URLSearchParams,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    const number = integerParam(q.get("partNumber"), "partNumber", 1, MAX_PART_NUMBER);
    if (number === null) throw invalidArgument("partNumber is required");
    const upload = this.upload(bucket, key, uploadId);
    if (header(headers, "x-amz-copy-source") !== undefined) {
      const source = this.copySource(headers);
      const range = header(headers, "x-amz-copy-source-range");
      const parsed = range === undefined ? null : parseRange(range, source.object.size);
      if (parsed === "unsatisfiable" || (range !== undefined && parsed === null))
        throw invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last");
      const bytes = await this.store.read(
        source.bucket,
        source.object,
        parsed?.start ?? 0,
        parsed?.end ?? source.object.size,
      );
      const part = { etag: md5ETag(bytes), bytes, lastModified: new Date() };
      upload.parts.set(number, part);
      return { headers: XML, body: copyPartXml(part.etag, part.lastModified) };
    }
    const bytes = payloadOf(body, headers);
    const part = { etag: md5ETag(bytes), bytes, lastModified: new Date() };
    upload.parts.set(number, part);
    return { headers: { ETag: part.etag } };
  }

  private async completeMultipart(
    bucket: string,
    key: string,
    uploadId: string,
    body: Uint8Array,
  ): Promise<Reply> {
    const upload = this.upload(bucket, key, uploadId);
    const listed = parseCompleteMultipart(body);
    if (listed.length === 0)
      throw new EmulatorError(400, "MalformedXML", "The XML you provided did not list any part");
    const chosen: Part[] = [];
    listed.forEach((p, i) => {
      if (i > 0 && p.number <= listed[i - 1]!.number)
        throw new EmulatorError(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
      const part = upload.parts.get(p.number);
      if (!part || bareETag(part.etag) !== bareETag(p.etag))
        throw new EmulatorError(400, "InvalidPart", `Part ${p.number} was not uploaded or its ETag differs.`);
      chosen.push(part);
    });
    chosen.forEach((part, i) => {
      if (i < chosen.length - 1 && part.bytes.length < MIN_PART_BYTES)
        throw new EmulatorError(
          400,
          "EntityTooSmall",
          "Your proposed upload is smaller than the minimum allowed size",
        );
    });
    const etag = multipartETag(chosen.map((p) => p.etag));
    const o = await this.store.put(
      bucket,
      key,
      chosen.map((p) => p.bytes),
      etag,
      upload.attributes,
    );
    this.uploads.delete(uploadId);
    this.onObjectCreated?.(bucket, o, "ObjectCreated:CompleteMultipartUpload");
    return { headers: XML, body: completeMultipartXml(`/${bucket}/${key}`, bucket, key, o.etag) };
  }

  private abortMultipart(bucket: string, key: string, uploadId: string): Reply {
    this.upload(bucket, key, uploadId);
    this.uploads.delete(uploadId);
    return { status: 204 };
  }

  private listParts(bucket: string, key: string, uploadId: string): Reply {
    const upload = this.upload(bucket, key, uploadId);
    const parts = [...upload.parts]
      .sort(([a], [b]) => a - b)
      .map(([number, p]) => ({ number, etag: p.etag, size: p.bytes.length, lastModified: p.lastModified }));
    return { headers: XML, body: listPartsXml(bucket, key, uploadId, parts) };
  }

  private listUploads(bucket: string): Reply {
    const uploads = [...this.uploads]
      .filter(([, u]) => u.bucket === bucket)
      .map(([uploadId, u]) => ({ key: u.key, uploadId, initiated: u.initiated }));
    return { headers: XML, body: listUploadsXml(bucket, uploads) };
  }

  private async deleteObject(bucket: string, key: string): Promise<Reply> {
    this.requireBucket(bucket);
    await this.store.delete(bucket, key);
    return { status: 204 };
  }

  private async deleteObjects(
    bucket: string,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    this.requireBucket(bucket);
    const { keys, quiet } = parseDelete(payloadOf(body, headers));
    for (const key of keys) await this.store.delete(bucket, key);
    return { headers: XML, body: deleteResultXml(quiet ? [] : keys, []) };
  }
}
