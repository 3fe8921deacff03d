/**
 * A doctor check: one line, ✓ or ✗, saying what was tried and, on failure, what failed and the fix (the seed's
 * "Troubleshooting Deployment" advice). Checks that need an earlier one that failed are reported as not tried.
 */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was tried (target, timeout). */
  tried: string;
  /** On success what was found; on failure what went wrong. */
  detail: string;
  /** On failure: what to do. */
  fix?: string;
}

export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `probe`; its resolved text is the success detail, a throw the failure (CheckFailed carries its fix). */
export async function runCheck(
  name: string,
  tried: string,
  defaultFix: string,
  probe: () => Promise<string>,
): Promise<CheckResult> {
  try {
    return { name, ok: true, tried, detail: await probe() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      name,
      ok: false,
      tried,
      detail: message,
      fix: err instanceof CheckFailed ? err.fix : defaultFix,
    };
  }
}

export function notTried(name: string, tried: string, needs: string): CheckResult {
  return { name, ok: false, tried, detail: `not tried: needs ${needs}`, fix: `fix "${needs}" first` };
}

export function formatCheck(r: CheckResult): string {
  const head = `${r.ok ? "✓" : "✗"} ${r.name}: ${r.detail} (tried: ${r.tried})`;
  return r.ok || !r.fix ? head : `${head} — fix: ${r.fix}`;
}
