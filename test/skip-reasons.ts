/** Why a test file's tests skip, from the same environment checks the files use (for the skip summary). */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const PYTHON = path.resolve(".venv/bin/python");
const pythonHas = (module: string) =>
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;

interface Rule {
  files: RegExp;
  /** The reason, or null when the condition is met (then the skip has another cause). */
  reason: () => string | null;
}

const corpus = process.env.EXR_CORPUS;
const RULES: Rule[] = [
  {
    files: /corpus|inspect-jobs|schema\.test|conformance/,
    reason: () =>
      corpus && existsSync(corpus)
        ? null
        : `EXR_CORPUS is ${corpus ? `"${corpus}" (missing)` : "unset"}: set it to the corpus of real EXR files`,
  },
  {
    files: /sdk-requests|predicate-sdk|vast-interop|client\/errors\.test/,
    reason: () =>
      pythonHas("vastdb") ? null : "no official vastdb SDK in .venv (pip install -r python/requirements.txt)",
  },
  {
    files: /signer\.test/,
    reason: () => (pythonHas("aws_requests_auth") ? null : "no aws_requests_auth in .venv"),
  },
  {
    files: /write-exr\.test|official-codecs/,
    reason: () => (existsSync(PYTHON) ? null : "no .venv with the official OpenEXR bindings"),
  },
  {
    files: /walk\.test/,
    reason: () =>
      process.getuid?.() === 0 ? "running as root: unreadable-directory permissions do not apply" : null,
  },
  {
    files: /stalled-reads/,
    reason: () =>
      process.getuid?.() !== 0
        ? "not running as root: mounting the stalling FUSE file system needs it"
        : existsSync("/dev/fuse")
          ? null
          : "no /dev/fuse on this system",
  },
  {
    files: /not-regular-files/,
    reason: () => (spawnSync("mkfifo", ["--version"]).status === 0 ? null : "no mkfifo on this system"),
  },
  {
    files: /vast-cli|vast-concurrency|verify-signatures|pixels-dwa/,
    reason: () => (existsSync("dist/cli/launch.cjs") ? null : "dist/ not built (npm run build)"),
  },
];

export function skipReason(file: string): string {
  const reasons = RULES.filter((r) => r.files.test(file))
    .map((r) => r.reason())
    .filter((r): r is string => r !== null);
  return reasons.length > 0 ? reasons.join("; ") : "skipped by the test's own condition (see the file)";
}
