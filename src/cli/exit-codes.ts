/**
 * Every exit code of `exr-inspector`, the single registry: `docs/codes.md` is generated from it
 * (`npm run docs:codes`) and a test checks the two agree.
 */
export const EXIT = {
  OK: 0,
  FINDINGS: 1,
  USAGE: 2,
  RUNTIME: 3,
  WARNINGS: 4,
  INTERRUPTED: 130,
  STUCK_READ: 137,
  TERMINATED: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES: ReadonlyArray<{ code: ExitCode; name: keyof typeof EXIT; meaning: string }> = [
  {
    code: EXIT.OK,
    name: "OK",
    meaning: "Success: every file valid and complete; the command did what was asked.",
  },
  {
    code: EXIT.FINDINGS,
    name: "FINDINGS",
    meaning:
      "inspect / validate: at least one file is invalid, incomplete or unreadable; inspect / validate / scan: " +
      "no EXR file was found.",
  },
  {
    code: EXIT.USAGE,
    name: "USAGE",
    meaning:
      "Usage error: unknown option or bad value, a path argument that does not exist, an output that exists " +
      "(without --force), a refused or failing SQL query, an unknown file id, a confirmation not given.",
  },
  {
    code: EXIT.RUNTIME,
    name: "RUNTIME",
    meaning:
      "Runtime failure: the catalog is unreachable, locked by another process, not permitted, or failed while " +
      "working; a write or read error outside the inspected files.",
  },
  {
    code: EXIT.WARNINGS,
    name: "WARNINGS",
    meaning: "validate --policy: no file failed, but at least one has a warning (its worst finding).",
  },
  {
    code: EXIT.INTERRUPTED,
    name: "INTERRUPTED",
    meaning:
      "Stopped by Ctrl-C (SIGINT). scan commits the files it finished first; a second Ctrl-C exits at once.",
  },
  {
    code: EXIT.STUCK_READ,
    name: "STUCK_READ",
    meaning:
      "A read never returned, even after it timed out (--read-timeout; a hung network mount): every result, the " +
      "file reported with EXR_IO_ERROR, was written, and the command ended itself with SIGKILL, because Node.js " +
      "cannot exit normally while one of its threads is stuck in the kernel (128 + 9).",
  },
  {
    code: EXIT.TERMINATED,
    name: "TERMINATED",
    meaning: "Stopped by SIGTERM. scan commits the files it finished first, as for Ctrl-C.",
  },
];

/** A failure caused by what the user asked (exit 2): bad arguments, missing inputs, refused overwrite. */
export class UsageError extends Error {
  readonly exitCode = EXIT.USAGE;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A failure of the environment (exit 3): catalog unreachable, locked, not permitted. */
export class RuntimeFailure extends Error {
  readonly exitCode = EXIT.RUNTIME;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RuntimeFailure";
  }
}

const USAGE_ERROR_NAMES = new Set([
  "UsageError",
  "QueryRejectedError",
  "EmptyQueryError",
  "InvalidArgumentError",
]);

/** The exit code for an error that ended a command. */
export function exitCodeForError(err: unknown): ExitCode {
  if (err instanceof Error && USAGE_ERROR_NAMES.has(err.name)) return EXIT.USAGE;
  return EXIT.RUNTIME;
}
