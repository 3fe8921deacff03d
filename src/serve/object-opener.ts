/**
 * Opens the object an event names as a ByteSource, or says why it cannot be read, in terms a broker acts on:
 * `gone`/`unreadable` never succeed on redelivery (4xx), `unavailable` may (5xx).
 */
import { stat } from "node:fs/promises";
import type { ByteSource } from "../io/byte-source.js";
import { FileSource } from "../io/file-source.js";
import { displayLocation, type ObjectRef } from "./event-target.js";

export type OpenFailure = { kind: "gone" | "unreadable" | "unavailable"; message: string };
export type OpenOutcome = { ok: true; source: ByteSource } | ({ ok: false } & OpenFailure);

export interface ObjectOpener {
  open(ref: ObjectRef): Promise<OpenOutcome>;
  /** Throws when the object store cannot be reached (readiness). */
  probe?(): Promise<void>;
}

const PERMANENT_FS_ERRORS = new Set(["EACCES", "EPERM", "EISDIR", "ENOTDIR", "ELOOP", "ENAMETOOLONG"]);

/** Local and NFS paths, read with asynchronous positioned reads (a slow mount never blocks other events). */
export async function openLocal(path: string): Promise<OpenOutcome> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return { ok: false, kind: "unreadable", message: `${path} is not a regular file` };
    return { ok: true, source: await FileSource.open(path) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const message = `${path}: ${(err as Error).message}`;
    if (code === "ENOENT") return { ok: false, kind: "gone", message: `${path} does not exist` };
    if (PERMANENT_FS_ERRORS.has(code)) return { ok: false, kind: "unreadable", message };
    return { ok: false, kind: "unavailable", message };
  }
}

export interface OpenerOptions {
  /** Opens S3 objects; absent when serve runs without S3 settings. */
  s3?: ObjectOpener;
}

/** Dispatches on the reference kind. */
export function objectOpener(options: OpenerOptions = {}): ObjectOpener {
  return {
    open: (ref) => {
      if (ref.kind === "local") return openLocal(ref.path);
      if (options.s3) return options.s3.open(ref);
      return Promise.resolve({
        ok: false,
        kind: "unavailable",
        message: `${displayLocation(ref)}: no S3 endpoint is configured (set S3_ENDPOINT or AWS_ENDPOINT_URL)`,
      });
    },
    probe: options.s3?.probe ? () => options.s3!.probe!() : undefined,
  };
}
