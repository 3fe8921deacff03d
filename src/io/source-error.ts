/**
 * Failures of remote sources with stable codes; the core reports them as findings of the same code
 * (anything else a source throws becomes EXR_IO_ERROR).
 */
export type SourceErrorCode =
  /** No such bucket, key or URL (404). */
  | "EXR_SOURCE_NOT_FOUND"
  /** Credentials missing or refused (401/403). */
  | "EXR_SOURCE_ACCESS_DENIED"
  /** Endpoint unreachable, timing out or failing (5xx, throttling, resets) after every retry. */
  | "EXR_SOURCE_UNAVAILABLE"
  /** The object was replaced while it was read (its ETag changed), also after reading it again. */
  | "EXR_SOURCE_CHANGED";

export class SourceError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    message: string,
    /** Worth another attempt of the same request (throttling, 5xx, resets, timeouts). */
    readonly retryable = false,
  ) {
    super(message);
    this.name = "SourceError";
  }
}
