/**
 * The answer to one event: the inspection JSON plus `persistence`, in the shape the seed's integration test
 * reads (`result["persistence"]["status"]`, `["file_id"]`, `["error"]`). A file already catalogued is
 * `{status: "success", inserted: false}` (the seed: a unique-constraint hit "is NOT an error").
 */
import { type Finding, type InspectionResult, SCHEMA_VERSION } from "../core/model.js";

export type PersistenceStatus = "success" | "error" | "skipped";

export interface Persistence {
  status: PersistenceStatus;
  file_id: string | null;
  inserted: boolean;
  message: string;
  error: string | null;
}

export interface AttributeEntry {
  name: string;
  type: string;
  value: unknown;
}

export interface ResultDocument {
  schema_version: string;
  file: InspectionResult["file"] | { path: string };
  parts: InspectionResult["parts"];
  channels: InspectionResult["channels"];
  /** Per part, its attributes in stored order (name, type, value), as the seed's `attributes.parts`. */
  attributes: { parts: AttributeEntry[][] };
  stats: { bytes_read: number; header_bytes: number | null; inspect_ms: number; persist_ms: number };
  validation: InspectionResult["validation"];
  /** The error-severity findings (stable codes and locations). */
  errors: Finding[];
  persistence: Persistence;
}

export function inspectedDocument(
  result: InspectionResult,
  persistence: Persistence,
  timings: { inspect_ms: number; persist_ms: number },
): ResultDocument {
  return {
    schema_version: result.schema_version,
    file: result.file,
    parts: result.parts,
    channels: result.channels,
    attributes: {
      parts: result.parts.map((p) =>
        p.attributes.map((a) => ({ name: a.name, type: a.type, value: a.value })),
      ),
    },
    stats: {
      bytes_read: result.file.bytes_read,
      header_bytes: result.file.header_bytes,
      inspect_ms: round(timings.inspect_ms),
      persist_ms: round(timings.persist_ms),
    },
    validation: result.validation,
    errors: result.validation.findings.filter((f) => f.severity === "error"),
    persistence,
  };
}

/** A document for an event that names no readable EXR or failed before inspection. */
export function bareDocument(path: string, persistence: Persistence): ResultDocument {
  return {
    schema_version: SCHEMA_VERSION,
    file: { path },
    parts: [],
    channels: [],
    attributes: { parts: [] },
    stats: { bytes_read: 0, header_bytes: null, inspect_ms: 0, persist_ms: 0 },
    validation: { status: "error", findings: [] },
    errors: [],
    persistence,
  };
}

export function skipped(message: string): Persistence {
  return { status: "skipped", file_id: null, inserted: false, message, error: null };
}

export function failed(message: string, error: string, fileId: string | null = null): Persistence {
  return { status: "error", file_id: fileId, inserted: false, message, error };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
