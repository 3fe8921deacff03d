/** Local and NFS paths, read with asynchronous positioned reads (a slow mount never blocks other events). */
import { stat } from "node:fs/promises";
import { inspect } from "../inspect/inspect.js";
import { FileSource } from "../io/file-source.js";
import type { InspectOutcome } from "./inspect-outcome.js";

const PERMANENT_FS_ERRORS = new Set(["EACCES", "EPERM", "EISDIR", "ENOTDIR", "ELOOP", "ENAMETOOLONG"]);

export async function inspectLocal(path: string): Promise<InspectOutcome> {
  let source: FileSource;
  try {
    const s = await stat(path);
    if (!s.isFile()) return { ok: false, kind: "unreadable", message: `${path} is not a regular file` };
    source = await FileSource.open(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const message = `${path}: ${(err as Error).message}`;
    if (code === "ENOENT") return { ok: false, kind: "gone", message: `${path} does not exist` };
    if (PERMANENT_FS_ERRORS.has(code)) return { ok: false, kind: "unreadable", message };
    return { ok: false, kind: "unavailable", message };
  }
  try {
    return { ok: true, result: await inspect(source, { path: source.path }) };
  } finally {
    void source.close().catch(() => undefined);
  }
}
