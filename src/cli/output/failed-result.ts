import { type InspectionResult, SCHEMA_VERSION } from "../../core/model.js";

/** The result for an input that could not even be opened or expanded (e.g. an unreadable directory). */
export function failedResult(path: string, message: string): InspectionResult {
  return {
    schema_version: SCHEMA_VERSION,
    file: {
      path,
      size_bytes: 0,
      mtime: null,
      header_hash: null,
      header_bytes: null,
      bytes_read: 0,
      version: null,
      flags: null,
      multipart_count: 0,
      is_deep: false,
      is_complete: false,
      frame_number: null,
    },
    parts: [],
    channels: [],
    validation: { status: "error", findings: [{ code: "EXR_IO_ERROR", severity: "error", message }] },
  };
}

/** The result for a file whose inspection failed inside exr-inspector (never expected: a bug or a crashed worker). */
export function internalFailure(path: string, err: unknown, context = ""): InspectionResult {
  return failedResult(path, `internal error: ${context}${err instanceof Error ? err.message : String(err)}`);
}
