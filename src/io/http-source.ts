/**
 * A plain or presigned `https://` (or `http://`) URL as a ByteSource, on Node's fetch (keep-alive connection
 * pools per origin), with the read rules of RemoteObjectSource: ranged GETs only, If-Match on later ranges,
 * retries, timeouts. Signatures and tokens in the query never appear in the reported path or in errors.
 */
import { type RangeAnswer, RemoteObjectSource } from "./remote-object.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./remote-retry.js";
import { SourceError } from "./source-error.js";

/** Query parameters that carry credentials in presigned or SAS URLs (AWS, GCS, Azure, CloudFront). */
const SECRET_PARAM =
  /^(x-amz-.*|x-goog-.*|signature|sig|se|sp|sv|sr|skoid|sktid|token|expires|key-pair-id|policy|awsaccesskeyid)$/i;

/** The URL as it may be shown and stored: credential-bearing query parameters removed. */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Everything from the first ? or #, across line breaks too (a secret after a newline must not survive).
    return url.replace(/[?#][\s\S]*/, "");
  }
  parsed.username = "";
  parsed.password = "";
  parsed.hash = "";
  for (const name of [...parsed.searchParams.keys()])
    if (SECRET_PARAM.test(name)) parsed.searchParams.delete(name);
  return parsed.toString();
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function classifyHttpFailure(err: unknown, timedOut: boolean, where: string): SourceError {
  if (err instanceof SourceError) return err;
  // Stryker disable next-line StringLiteral: the fallback only has to be neither name compared below
  const name = (err as { name?: string })?.name ?? "";
  if (timedOut || name === "TimeoutError" || name === "AbortError")
    return new SourceError("EXR_SOURCE_UNAVAILABLE", `${where}: request timed out`, true);
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code === "ENOTFOUND")
    return new SourceError("EXR_SOURCE_UNAVAILABLE", `${where}: host not found`);
  const detail = cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
  return new SourceError("EXR_SOURCE_UNAVAILABLE", `${where}: ${detail}`, true);
}

function statusFailure(status: number, where: string): SourceError {
  if (status === 404 || status === 410)
    return new SourceError("EXR_SOURCE_NOT_FOUND", `${where}: HTTP ${status}`);
  if (status === 401 || status === 403)
    return new SourceError(
      "EXR_SOURCE_ACCESS_DENIED",
      `${where}: HTTP ${status} (the URL's own credentials: presigned signature or token, expired or refused)`,
    );
  if (status === 412)
    return new SourceError(
      "EXR_SOURCE_CHANGED",
      `${where} changed while it was read (ETag no longer matches)`,
    );
  return new SourceError("EXR_SOURCE_UNAVAILABLE", `${where}: HTTP ${status}`, RETRYABLE_STATUS.has(status));
}

export class HttpSource extends RemoteObjectSource {
  constructor(
    private readonly url: string,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    super(displayUrl(url), policy);
  }

  protected async get(
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer> {
    const headers: Record<string, string> = { range: `bytes=${offset}-${offset + length - 1}` };
    if (ifMatch) headers["if-match"] = ifMatch;
    const res = await fetch(this.url, { headers, signal, redirect: "follow" });
    const body = res.body;
    const cancel = () => {
      void body?.cancel().catch(() => undefined);
    };
    if (res.status !== 200 && res.status !== 206 && res.status !== 416) {
      cancel();
      throw statusFailure(res.status, this.path);
    }
    const length_ = res.headers.get("content-length");
    const modified = res.headers.get("last-modified");
    return {
      status: res.status,
      contentRange: res.headers.get("content-range"),
      contentLength: length_ === null ? null : Number(length_),
      etag: res.headers.get("etag"),
      lastModified: modified ? new Date(modified) : null,
      body: body as AsyncIterable<Uint8Array> | null,
      cancel,
    };
  }

  protected classify(err: unknown, timedOut: boolean): SourceError {
    return classifyHttpFailure(err, timedOut, this.path);
  }
}
