/**
 * Ranged GetObject requests sent directly: the SDK's client still resolves credentials (default chain,
 * refreshed as it refreshes them), region and endpoint (its own endpoint rules, once per bucket); the GET is
 * signed (SigV4, s3-get-signer.ts) and sent on our HTTP/1.1 client (http1-pool.ts: keep-alive, pipelined) or,
 * with transport `node-http`, as one `http.request` on a keep-alive agent, instead of through the SDK's
 * middleware stack, which costs several times more CPU per GET than the GET itself (see docs/BENCHMARKS.md,
 * "Objects over S3"). Buckets whose endpoint asks for another signing scheme
 * (S3 Express sessions, SigV4a multi-region access points) are read through the SDK.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { Http1Pool, type Http1Response } from "./http1-pool.js";
import type { RangeAnswer } from "./remote-object.js";
import { encodeRfc3986, type GetCredentials, queryString, S3GetSigner } from "./s3-get-signer.js";
import { type ListPage, parseListPage } from "./s3-list-xml.js";
import { type S3RangeGets, SdkRangeGets } from "./s3-sdk-get.js";

/** Error answers are small XML documents; more than this is not read. */
const MAX_ERROR_BODY = 64 * 1024;
/** A ListObjectsV2 page of 1,000 keys is ~300 KB; keys of up to 1 KiB each stay well under this. */
const MAX_LIST_BODY = 16 * 1024 * 1024;

/** How a signed GET goes out: our HTTP/1.1 client on raw sockets (http1-pool.ts) or node:http. */
export type DirectTransport = "raw" | "node-http";

export interface DirectGetOptions {
  transport?: DirectTransport;
  /**
   * Requests in flight on one connection (raw transport only; default 8: `maxSockets` requests at once on
   * maxSockets/8 connections). Pipelining cut the client's CPU per object by 10-15 % in bench:s3; a server that
   * drops pipelined requests turns it off for its pool (http1-pool.ts).
   */
  pipelining?: number;
}

export const DEFAULT_PIPELINING = 8;

/** Credentials expiring within this long are asked for again (the SDK's own refresh window). */
const CREDENTIALS_REFRESH_MS = 300_000;

type ResolvedCredentials = GetCredentials & { expiration?: Date };

interface BucketTarget {
  https: boolean;
  hostname: string;
  port: number | undefined;
  host: string;
  /** The endpoint's path for this bucket (`/bucket` path-style, empty virtual-hosted), no trailing slash. */
  basePath: string;
  signer: S3GetSigner;
}

/** An object key as the SDK puts it in the path: each segment URI-encoded, `/` kept. */
function encodeKey(key: string): string {
  // Concatenated in a loop: split/map/join made an array whose kind changes with V8's tier (see http1-pool.ts).
  const segments = key.split("/");
  let path = encodeRfc3986(segments[0]!);
  for (let i = 1; i < segments.length; i++) path += `/${encodeRfc3986(segments[i]!)}`;
  return path;
}

/** An S3 error answer as the SDK would throw it (name = S3 error code, status), for classifyS3Error. */
function s3Error(status: number, text: string, headers: unknown): Error {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? `HTTP ${status}`;
  return Object.assign(new Error(message), {
    name: code ?? (status === 404 ? "NotFound" : `HTTP${status}`),
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers },
  });
}

/** The error of a node:http answer, its body read up to MAX_ERROR_BODY. */
async function errorOf(res: IncomingMessage): Promise<Error> {
  let text = "";
  for await (const chunk of res as AsyncIterable<Buffer>) {
    text += chunk.toString("utf8");
    if (text.length > MAX_ERROR_BODY) break;
  }
  res.destroy();
  return s3Error(res.statusCode ?? 0, text, res.headers);
}

/** The same, from an answer read whole by the raw client. */
function errorOfRaw(res: Http1Response): Error {
  return s3Error(
    res.status,
    res.body.toString("utf8", 0, Math.min(res.body.length, MAX_ERROR_BODY)),
    res.headers,
  );
}

const header = (res: IncomingMessage, name: string): string | null => {
  const v = res.headers[name];
  return typeof v === "string" ? v : null;
};

/** A ranged GET's path and headers (before signing). */
function rangeRequest(
  target: BucketTarget,
  key: string,
  offset: number,
  length: number,
  ifMatch: string | null,
): { path: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { range: `bytes=${offset}-${offset + length - 1}` };
  if (ifMatch) headers["if-match"] = ifMatch;
  return { path: `${target.basePath}/${encodeKey(key)}`, headers };
}

/** Enough for the range, or for its end when a server ignores Range and sends the object from byte 0. */
const rangeMaxBody = (offset: number, length: number) => Math.max(offset + length, MAX_ERROR_BODY);

const sign = (
  target: BucketTarget,
  credentials: GetCredentials,
  path: string,
  headers: Record<string, string>,
  query: Record<string, string> | undefined,
) =>
  target.signer.sign(
    // One object shape for every request (a conditional spread made two, and a deopt in sign()).
    { host: target.host, path, headers, date: new Date(), query },
    credentials,
  );

export class DirectRangeGets implements S3RangeGets {
  private readonly targets = new Map<string, Promise<BucketTarget | null>>();
  /** The targets resolved so far: a GET to a known bucket does not wait on a promise for it. */
  private readonly resolvedTargets = new Map<string, BucketTarget | null>();
  /** The credentials last given by the SDK's provider, used until they come within its refresh window. */
  private credentials: ResolvedCredentials | null = null;
  private readonly sdk: SdkRangeGets;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly pools = new Map<string, Http1Pool>();
  private readonly transport: DirectTransport;
  private readonly pipelining: number;

  constructor(
    private readonly client: S3Client,
    private readonly maxSockets = 64,
    options: DirectGetOptions = {},
  ) {
    this.sdk = new SdkRangeGets(client);
    this.transport = options.transport ?? "raw";
    this.pipelining = Math.max(1, options.pipelining ?? DEFAULT_PIPELINING);
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  }

  /** Where and how a bucket's objects are read; null when only the SDK can (another auth scheme). */
  private target(bucket: string): Promise<BucketTarget | null> {
    let found = this.targets.get(bucket);
    if (found === undefined) {
      found = this.resolve(bucket);
      this.targets.set(bucket, found);
      // A failed resolution is not kept: the SDK path reports it, and the next object tries again.
      found.then(
        (target) => this.resolvedTargets.set(bucket, target),
        () => this.targets.delete(bucket),
      );
    }
    return found;
  }

  private async resolve(bucket: string): Promise<BucketTarget | null> {
    const endpoint = await getEndpointFromInstructions(
      { Bucket: bucket, Key: "k" },
      GetObjectCommand,
      this.client.config as unknown as Parameters<typeof getEndpointFromInstructions>[2],
    );
    const schemes = (endpoint.properties?.authSchemes ?? []) as {
      name?: string;
      signingName?: string;
      signingRegion?: string;
    }[];
    const scheme = schemes[0];
    if (scheme !== undefined && scheme.name !== "sigv4") return null;
    if (endpoint.headers && Object.keys(endpoint.headers).length > 0) return null;
    const url = endpoint.url;
    if (url.search !== "" || (url.protocol !== "https:" && url.protocol !== "http:")) return null;
    const region = scheme?.signingRegion ?? (await this.client.config.region());
    return {
      https: url.protocol === "https:",
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port ? Number(url.port) : undefined,
      host: url.host,
      basePath: url.pathname.replace(/\/+$/, ""),
      signer: new S3GetSigner(region, scheme?.signingName ?? "s3"),
    };
  }

  get(
    bucket: string,
    key: string,
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer> {
    const target = this.resolvedTargets.get(bucket);
    const credentials = this.currentCredentials();
    if (this.transport === "raw" && target && credentials) {
      // The bucket's target and the credentials are known: signed and sent at once, no promise waited on before.
      const { path, headers } = rangeRequest(target, key, offset, length, ifMatch);
      return this.sendRawNow(
        target,
        credentials,
        path,
        headers,
        undefined,
        rangeMaxBody(offset, length),
        signal,
      ).then((res) => this.rawAnswer(res));
    }
    return this.getWaiting(bucket, key, offset, length, ifMatch, signal);
  }

  private async getWaiting(
    bucket: string,
    key: string,
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer> {
    // No target (another auth scheme) or none resolvable (no region, …): the SDK sends it and reports its error.
    const target = await this.target(bucket).catch(() => null);
    if (target === null) return this.sdk.get(bucket, key, offset, length, ifMatch, signal);
    const { path, headers } = rangeRequest(target, key, offset, length, ifMatch);
    if (this.transport === "raw") {
      const res = await this.sendRaw(target, path, headers, undefined, rangeMaxBody(offset, length), signal);
      return this.rawAnswer(res);
    }
    const res = await this.send(target, path, headers, undefined, signal);
    const status = res.statusCode ?? 0;
    if (status === 416) {
      const answer: RangeAnswer = {
        status: 416,
        contentRange: header(res, "content-range"),
        contentLength: null,
        etag: header(res, "etag"),
        lastModified: null,
        body: null,
        cancel: () => {},
      };
      res.resume(); // a 416 body is a short error document: drained, the connection stays pooled
      return answer;
    }
    if (status !== 200 && status !== 206) throw await errorOf(res);
    const contentLength = header(res, "content-length");
    const modified = header(res, "last-modified");
    return {
      status,
      contentRange: header(res, "content-range"),
      contentLength: contentLength === null ? null : Number(contentLength),
      etag: header(res, "etag"),
      lastModified: modified ? new Date(modified) : null,
      body: res as AsyncIterable<Uint8Array>,
      cancel: () => res.destroy(),
    };
  }

  private rawAnswer(res: Http1Response): RangeAnswer {
    const status = res.status;
    const h = res.headers;
    if (status === 416)
      return {
        status: 416,
        contentRange: h["content-range"] ?? null,
        contentLength: null,
        etag: h.etag ?? null,
        lastModified: null,
        body: null,
        cancel: () => {},
      };
    if (status !== 200 && status !== 206) throw errorOfRaw(res);
    const modified = h["last-modified"];
    return {
      status,
      contentRange: h["content-range"] ?? null,
      // A body cut at what was asked for: its length, so the reader does not wait for more.
      contentLength: res.cut ? res.body.length : res.contentLength,
      etag: h.etag ?? null,
      lastModified: modified ? new Date(modified) : null,
      body: [res.body],
      cancel: () => {},
    };
  }

  /**
   * One ListObjectsV2 page, sent and parsed here (the SDK's XML parsing cost ~100 µs per key); null when the
   * bucket is read through the SDK (another auth scheme, or no resolvable endpoint).
   */
  async listPage(
    bucket: string,
    prefix: string,
    maxKeys: number,
    token: string | undefined,
    signal: AbortSignal,
  ): Promise<ListPage | null> {
    const target = await this.target(bucket).catch(() => null);
    if (target === null) return null;
    const query: Record<string, string> = { "list-type": "2", "max-keys": String(maxKeys), prefix };
    if (token !== undefined) query["continuation-token"] = token;
    const tooLong = () => new Error(`ListObjectsV2 answer over ${MAX_LIST_BODY} bytes`);
    if (this.transport === "raw") {
      const res = await this.sendRaw(target, target.basePath || "/", {}, query, MAX_LIST_BODY, signal);
      if (res.status !== 200) throw errorOfRaw(res);
      if (res.cut) throw tooLong();
      return parseListPage(res.body.toString("utf8"));
    }
    const res = await this.send(target, target.basePath || "/", {}, query, signal);
    const status = res.statusCode ?? 0;
    if (status !== 200) throw await errorOf(res);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_LIST_BODY) {
        res.destroy();
        throw tooLong();
      }
      chunks.push(chunk);
    }
    return parseListPage(Buffer.concat(chunks).toString("utf8"));
  }

  /** The credentials last resolved, unless they expire within the SDK's refresh window (or none yet). */
  private currentCredentials(): ResolvedCredentials | null {
    const c = this.credentials;
    if (c === null) return null;
    const expiration = c.expiration;
    if (expiration !== undefined && expiration.getTime() - Date.now() < CREDENTIALS_REFRESH_MS) return null;
    return c;
  }

  private async signed(
    target: BucketTarget,
    path: string,
    headers: Record<string, string>,
    query: Record<string, string> | undefined,
  ): Promise<Record<string, string>> {
    // The SDK's provider: cached, and refreshed before expiry, by the SDK.
    this.credentials = await this.client.config.credentials();
    return sign(target, this.credentials, path, headers, query);
  }

  /** A signed GET on our HTTP/1.1 client; resolves with the whole answer (body at most `maxBody`). */
  private async sendRaw(
    target: BucketTarget,
    path: string,
    headers: Record<string, string>,
    query: Record<string, string> | undefined,
    maxBody: number,
    signal: AbortSignal,
  ): Promise<Http1Response> {
    this.credentials = await this.client.config.credentials();
    return this.sendRawNow(target, this.credentials, path, headers, query, maxBody, signal);
  }

  private sendRawNow(
    target: BucketTarget,
    credentials: GetCredentials,
    path: string,
    headers: Record<string, string>,
    query: Record<string, string> | undefined,
    maxBody: number,
    signal: AbortSignal,
  ): Promise<Http1Response> {
    const signed = sign(target, credentials, path, headers, query);
    const port = target.port ?? (target.https ? 443 : 80);
    const id = `${target.https ? "https" : "http"}://${target.hostname}:${port}`;
    let pool = this.pools.get(id);
    if (pool === undefined) {
      pool = new Http1Pool(
        { https: target.https, hostname: target.hostname, port },
        { maxConnections: Math.ceil(this.maxSockets / this.pipelining), pipelining: this.pipelining },
      );
      this.pools.set(id, pool);
    }
    return pool.get(query ? `${path}?${queryString(query)}` : path, signed, maxBody, signal);
  }

  /** A signed GET on the node:http keep-alive pool; resolves with the answer's head, its body still to be read. */
  private async send(
    target: BucketTarget,
    path: string,
    headers: Record<string, string>,
    query: Record<string, string> | undefined,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const signed = await this.signed(target, path, headers, query);
    const send = target.https ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send({
        agent: target.https ? this.httpsAgent : this.httpAgent,
        hostname: target.hostname,
        port: target.port,
        path: query ? `${path}?${queryString(query)}` : path,
        method: "GET",
        headers: signed,
        signal,
      });
      req.once("response", resolve);
      req.once("error", reject);
      req.end();
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}
