import { describeProblem } from "../../policy/document.js";
import type { Policy } from "../../policy/model.js";

/** Exit status for a policy that cannot be used: like a usage error, nothing has been read yet. */
export const INVALID_POLICY_EXIT_CODE = 2;

/**
 * Loads `--policy NAME|FILE` before any EXR file is read. On problems prints each with its file, JSON pointer and
 * line to stderr, sets exit code 2 and returns null.
 */
export async function loadPolicyOrExit(ref: string): Promise<Policy | null> {
  const { loadPolicy } = await import("../../policy/load.js");
  const loaded = await loadPolicy(ref);
  if (loaded.ok) return loaded.value;
  for (const p of loaded.problems)
    process.stderr.write(`exr-inspector: invalid policy: ${describeProblem(p)}\n`);
  process.exitCode = INVALID_POLICY_EXIT_CODE;
  return null;
}
