/** Errors the emulator answers with: an HTTP status plus the S3-style error code VAST uses. */

export type ErrorStatus = 400 | 403 | 404 | 405 | 409 | 412 | 416 | 500 | 501 | 503;

export class EmulatorError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    /** Extra response headers (the object size in `Content-Range` on a 416). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = "BadRequest") => new EmulatorError(400, code, message);
export const notFound = (code: string, message: string) => new EmulatorError(404, code, message);
export const conflict = (message: string, code = "Conflict") => new EmulatorError(409, code, message);
export const notImplemented = (message: string) => new EmulatorError(501, "NotImplemented", message);
export const unsupportedColumnType = (message: string) =>
  new EmulatorError(400, "TabularUnsupportedColumnType", message);
export const invalidColumnTypeParam = (message: string) =>
  new EmulatorError(400, "TabularInvalidColumnTypeParam", message);
