/**
 * An S3 object as a ByteSource: ranged GetObject requests through the AWS SDK v3, with the read rules of
 * RemoteObjectSource (size and ETag from the first answer, If-Match on later ranges, retries, timeouts).
 */

import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { type RangeAnswer, RemoteObjectSource } from "./remote-object.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./remote-retry.js";
import { responseOf, type S3RangeGets, SdkRangeGets } from "./s3-sdk-get.js";
import { s3Uri } from "./s3-uri.js";
import { SourceError } from "./source-error.js";

/** HTTP statuses worth another attempt: throttling and server-side failures. */
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "InternalError",
  "ServiceUnavailable",
]);

export interface S3SourceOptions {
  policy?: RetryPolicy;
  /** Who the credentials belong to, named in access-denied messages (never the secret). */
  credentialSource?: string;
}

/** A network-level failure code anywhere on the error's cause chain. */
function networkCode(err: unknown): string | null {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string") return e.code;
    e = e.cause as typeof e;
  }
  return null;
}

export function classifyS3Error(
  err: unknown,
  timedOut: boolean,
  where: string,
  credentialSource: string,
): SourceError {
  if (err instanceof SourceError) return err;
  const name = (err as { name?: string })?.name ?? "";
  const message = (err as Error)?.message ?? String(err);
  const { status } = responseOf(err);
  if (timedOut || name === "TimeoutError" || name === "AbortError")
    return new SourceError("EXR_SOURCE_UNAVAILABLE", `${where}: request timed out`, true);
  if (/^Region is missing/.test(message))
    return new SourceError(
      "EXR_SOURCE_UNAVAILABLE",
      `${where}: no AWS region configured (set AWS_REGION, a profile's region, or --region)`,
    );
  if (name === "CredentialsProviderError")
    return new SourceError(
      "EXR_SOURCE_ACCESS_DENIED",
      `${where}: no credentials found (${credentialSource}): ${message}`,
    );
  if (status === 412 || name === "PreconditionFailed")
    return new SourceError(
      "EXR_SOURCE_CHANGED",
      `${where} changed while it was read (ETag no longer matches)`,
    );
  if (status === 404 || name === "NoSuchKey" || name === "NoSuchBucket" || name === "NotFound") {
    const what = name === "NoSuchBucket" ? "no such bucket" : "no such key";
    return new SourceError("EXR_SOURCE_NOT_FOUND", `${where}: ${what}`);
  }
  if (status === 401 || status === 403 || name === "AccessDenied" || name === "InvalidAccessKeyId")
    return new SourceError(
      "EXR_SOURCE_ACCESS_DENIED",
      `${where}: access denied (${name || status}) with credentials from ${credentialSource}`,
    );
  if ((status !== null && RETRYABLE_STATUS.has(status)) || RETRYABLE_CODES.has(name))
    return new SourceError(
      "EXR_SOURCE_UNAVAILABLE",
      `${where}: ${name || "HTTP"} ${status ?? ""}`.trim(),
      true,
    );
  if (status !== null || err instanceof S3ServiceException)
    return new SourceError("EXR_SOURCE_UNAVAILABLE", `${where}: ${name} ${status ?? ""}: ${message}`.trim());
  const code = networkCode(err);
  if (code === "ENOTFOUND")
    return new SourceError("EXR_SOURCE_UNAVAILABLE", `${where}: endpoint host not found (${message})`);
  // Anything else below HTTP (resets, refused connections, bodies cut short, parse failures of a torn
  // answer) is transient as far as we can tell.
  return new SourceError(
    "EXR_SOURCE_UNAVAILABLE",
    `${where}: ${code ?? (name || "error")}: ${message}`,
    true,
  );
}

export class S3Source extends RemoteObjectSource {
  private readonly credentialSource: string;
  private readonly gets: S3RangeGets;

  /** `via`: how GETs are sent (a client alone: through the SDK's GetObject). */
  constructor(
    via: S3Client | S3RangeGets,
    readonly bucket: string,
    readonly key: string,
    options: S3SourceOptions = {},
  ) {
    super(s3Uri(bucket, key), options.policy ?? DEFAULT_RETRY_POLICY);
    this.gets = via instanceof S3Client ? new SdkRangeGets(via) : via;
    this.credentialSource = options.credentialSource ?? "the AWS SDK default chain";
  }

  protected get(
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer> {
    return this.gets.get(this.bucket, this.key, offset, length, ifMatch, signal);
  }

  protected classify(err: unknown, timedOut: boolean): SourceError {
    return classifyS3Error(err, timedOut, this.path, this.credentialSource);
  }
}
