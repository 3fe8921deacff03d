/**
 * V8 tiering for the `serve` process. With V8's default interrupt budget, a request handler that runs a few
 * hundred times already sends hundreds of lukewarm functions (run once per event or once per batch) to
 * TurboFan: in bench:serve (64 senders, 200–1500 events) the optimizing compiler's background threads used 20–25 %
 * of serve's CPU for the whole run. Four times the budget leaves those functions in the baseline tier; the hot
 * ones (header scan, row encoding) still reach TurboFan. Serve's CPU per event fell 12–18 % (docs/BENCHMARKS.md,
 * bench:serve, 2026-12-07 session 10).
 */
import { setFlagsFromString } from "node:v8";

/** V8's default (`--interrupt-budget=67584` in Node 20) times four. */
const SERVE_INTERRUPT_BUDGET = 4 * 67_584;

/**
 * Raises the budget for every function from now on (V8 reads the flag whenever it resets a function's budget). Set
 * at run time, after the CLI's code cache was loaded, because the cache is only accepted under the flags it was
 * made with.
 */
export function tierUpOnlyHotFunctions(execArgv: readonly string[] = process.execArgv): void {
  // A budget given on node's command line wins (to compare settings).
  if (execArgv.some((a) => a.startsWith("--interrupt-budget"))) return;
  setFlagsFromString(`--interrupt-budget=${SERVE_INTERRUPT_BUDGET}`);
}
