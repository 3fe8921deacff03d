import cliProgress from "cli-progress";
import type { ScanProgress, ScanSummary } from "./scanner.js";

export interface ProgressReporter {
  update(progress: ScanProgress): void;
  stop(): void;
}

/** A live bar on a TTY; elsewhere (CI, pipes, logs) one line at most every `intervalMs`. */
export function progressReporter(stream: NodeJS.WriteStream, intervalMs = 5000): ProgressReporter {
  const started = performance.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          "scan [{bar}] {value}/{total} files | {rate} files/s | skipped {skipped} invalid {invalid} errors {errors}",
        hideCursor: true,
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { rate: 0, skipped: 0, invalid: 0, errors: 0 });
    return {
      update(p) {
        const done = p.inspected + p.skipped;
        const seconds = (performance.now() - started) / 1000;
        bar.setTotal(Math.max(p.found, done));
        bar.update(done, {
          rate: seconds > 0 ? Math.round(done / seconds) : 0,
          skipped: p.skipped,
          invalid: p.invalid,
          errors: p.errors,
        });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let last = performance.now();
  return {
    update(p) {
      const t = performance.now();
      if (t - last < intervalMs) return;
      last = t;
      const done = p.inspected + p.skipped;
      const seconds = (t - started) / 1000;
      stream.write(
        `scan: ${done}/${p.found}${p.walkDone ? "" : "+"} files, ${Math.round(done / seconds)} files/s, ` +
          `skipped ${p.skipped}, invalid ${p.invalid}, incomplete ${p.incomplete}, errors ${p.errors}\n`,
      );
    },
    stop() {},
  };
}

export function formatSummary(s: ScanSummary): string {
  return [
    `${s.interrupted ? "scan interrupted (committed work kept; re-run to resume)" : "scan complete"}: ` +
      `${s.inspected + s.skipped} files in ${s.seconds.toFixed(2)} s (${Math.round(s.filesPerSecond)} files/s)`,
    `  inspected   ${s.inspected} (new ${s.inserted}, re-inspected ${s.reinspected})`,
    `  skipped     ${s.skipped} (unchanged: size and mtime; objects: size and ETag)`,
    `  invalid     ${s.invalid}`,
    `  incomplete  ${s.incomplete}`,
    `  errors      ${s.errors} (unreadable; recorded as error rows)`,
  ].join("\n");
}
