/**
 * Fault injection for tests: fractions of requests answered with 503 `SlowDown`, 500, or a dropped
 * connection, of query answers broken off mid-stream, plus added latency. Settable at start (flags) and at run time (admin endpoint).
 */
import { badRequest } from "./errors.js";

export interface FaultSettings {
  /** Fraction (0..1) of requests answered 503 with code SlowDown (the SDK retries these). */
  slowdown: number;
  /** Fraction answered 500 InternalError. */
  error500: number;
  /** Fraction whose connection is destroyed without an answer. */
  drop: number;
  /** Milliseconds added before every answer. */
  latency_ms: number;
  /** Fraction of query answers (`GET ?data`) that fail after their first frame with VAST's "query failed" frame. */
  query_failure: number;
}

export type FaultDecision = "none" | "slowdown" | "error500" | "drop";

export const NO_FAULTS: FaultSettings = {
  slowdown: 0,
  error500: 0,
  drop: 0,
  latency_ms: 0,
  query_failure: 0,
};

export class FaultInjector {
  private settings: FaultSettings;

  constructor(
    initial: Partial<FaultSettings> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.settings = FaultInjector.validate({ ...NO_FAULTS, ...initial });
  }

  static validate(s: FaultSettings): FaultSettings {
    for (const key of ["slowdown", "error500", "drop", "query_failure"] as const) {
      const v = s[key];
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1)
        throw badRequest(`fault ${key} must be a fraction between 0 and 1`);
    }
    if (typeof s.latency_ms !== "number" || !Number.isFinite(s.latency_ms) || s.latency_ms < 0)
      throw badRequest("latency_ms must be a non-negative number");
    if (s.slowdown + s.error500 + s.drop > 1) throw badRequest("fault fractions add up to more than 1");
    return s;
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  /** Merges the given keys into the settings; unknown keys are rejected. */
  update(patch: Record<string, unknown>): FaultSettings {
    for (const key of Object.keys(patch))
      if (!(key in NO_FAULTS)) throw badRequest(`unknown fault setting ${key}`);
    this.settings = FaultInjector.validate({ ...this.settings, ...(patch as Partial<FaultSettings>) });
    return this.current;
  }

  /** Whether this query answer breaks off mid-stream (independent of the per-request faults). */
  failQuery(): boolean {
    const { query_failure } = this.settings;
    return query_failure > 0 && this.random() < query_failure;
  }

  decide(): FaultDecision {
    const { slowdown, error500, drop } = this.settings;
    if (slowdown + error500 + drop === 0) return "none";
    const r = this.random();
    if (r < slowdown) return "slowdown";
    if (r < slowdown + error500) return "error500";
    if (r < slowdown + error500 + drop) return "drop";
    return "none";
  }
}
