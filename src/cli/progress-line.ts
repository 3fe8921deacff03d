/**
 * Progress for long commands on stderr, on a terminal only (pipes, logs and CI stay clean): one line rewritten in
 * place, at most ten times a second, erased when the command finishes.
 */
export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

const NONE: ProgressLine = { update() {}, done() {} };

/**
 * `label: text` on stderr while the command runs. `besideOutput`: the command prints its results on stdout, so the
 * line is shown only when stdout is not that same terminal (e.g. `validate tree > report.txt`).
 */
export function progressLine(
  label: string,
  options: { besideOutput?: boolean; stream?: NodeJS.WriteStream } = {},
): ProgressLine {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY || (options.besideOutput && process.stdout.isTTY)) return NONE;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[2K${label}: ${text}`);
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}

/** For work with no countable steps (export, import, cleanup): the elapsed time, every half second. */
export function elapsedLine(label: string): ProgressLine & { stop(): void } {
  const line = progressLine(label);
  const started = Date.now();
  const show = () => line.update(`${Math.round((Date.now() - started) / 1000)} s`);
  // Shown at once, so even a short run says what it is doing until it ends.
  show();
  const timer = setInterval(show, 500);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    line.done();
  };
  return { update: line.update, done: stop, stop };
}

/** Runs `work` with an elapsed-time line on a terminal. */
export async function withElapsed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const line = elapsedLine(label);
  try {
    return await work();
  } finally {
    line.stop();
  }
}
