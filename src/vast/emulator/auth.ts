/**
 * Request authentication: the SDK signs with AWS SigV4 (service s3, empty region). The emulator checks that
 * the access key in the `Authorization` credential scope is a configured one; it does not recompute the
 * signature (documented in docs/vast-emulator.md).
 */
import { EmulatorError } from "./errors.js";

const CREDENTIAL = /Credential=([^/,\s]+)\//;

export function accessKeyOf(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const m = CREDENTIAL.exec(authorization);
  return m ? m[1]! : null;
}

/** An empty key map means open mode: any (or no) signature is accepted. */
export function checkAccess(authorization: string | undefined, keys: ReadonlyMap<string, string>): void {
  if (keys.size === 0) return;
  const key = accessKeyOf(authorization);
  if (key === null) throw new EmulatorError(403, "AccessDenied", "request is not signed");
  if (!keys.has(key)) throw new EmulatorError(403, "InvalidAccessKeyId", `unknown access key ${key}`);
}
