/**
 * Structured JSON logs (one object per line on stdout), level from `LOG_LEVEL` (trace|debug|info|warn|error|
 * fatal|silent; default info). Keys and secrets are never logged: nothing passes them here, and any field named
 * like one is censored as a second line of defence.
 */
import { type Logger, pino } from "pino";

export type { Logger };

const LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

export function createLogger(
  env: NodeJS.ProcessEnv = process.env,
  destination: NodeJS.WritableStream = process.stdout,
  service = "exr-inspector-serve",
): Logger {
  const requested = (env.LOG_LEVEL ?? "info").toLowerCase();
  return pino(
    {
      level: LEVELS.has(requested) ? requested : "info",
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "*.accessKey",
          "*.secretKey",
          "*.access_key",
          "*.secret_key",
          "*.authorization",
          "*.password",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
