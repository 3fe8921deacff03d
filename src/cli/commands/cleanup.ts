import { createInterface } from "node:readline/promises";
import { type Command, InvalidArgumentError } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { UsageError } from "../exit-codes.js";
import { withElapsed } from "../progress-line.js";

/** Asks on the terminal; only an explicit y/yes confirms. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question(question));
  } finally {
    rl.close();
  }
}

const UNITS: Record<string, (d: Date, n: number) => void> = {
  s: (d, n) => d.setTime(d.getTime() - n * 1000),
  min: (d, n) => d.setTime(d.getTime() - n * 60_000),
  h: (d, n) => d.setTime(d.getTime() - n * 3_600_000),
  d: (d, n) => d.setUTCDate(d.getUTCDate() - n),
  w: (d, n) => d.setUTCDate(d.getUTCDate() - 7 * n),
  mo: (d, n) => d.setUTCMonth(d.getUTCMonth() - n),
  y: (d, n) => d.setUTCFullYear(d.getUTCFullYear() - n),
};

/** `6mo`, `30d`, `2w`, `12h`, `90min`, `1y` → the cutoff instant that long before `now` (calendar months/years). */
export function cutoffFor(age: string, now: Date = new Date()): Date {
  const m = /^(\d+)\s*(s|min|h|d|w|mo|y)$/.exec(age.trim());
  if (!m) throw new InvalidArgumentError("expected a duration like 6mo, 30d, 2w, 12h, 90min or 1y");
  const cutoff = new Date(now.getTime());
  UNITS[m[2]!]!(cutoff, Number(m[1]));
  return cutoff;
}

export function registerCleanup(program: Command): void {
  addCatalogOptions(
    program
      .command("cleanup")
      .description("remove files not inspected within a period, with their parts, channels and attributes")
      .requiredOption("--older-than <age>", "e.g. 6mo, 30d, 2w, 12h, 1y", (v) => {
        cutoffFor(v);
        return v;
      })
      .option("--dry-run", "only count what would be removed")
      .option("-y, --yes", "remove without asking (required when not on a terminal)"),
  ).action(async (options: CatalogCliOptions & { olderThan: string; dryRun?: boolean; yes?: boolean }) => {
    const cutoff = cutoffFor(options.olderThan);
    const dryRun = options.dryRun ?? false;
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
    if (!dryRun && !options.yes && !interactive) {
      throw new UsageError(
        "cleanup deletes catalog rows: pass --yes to confirm (or --dry-run to count them first)",
      );
    }
    await withCatalog(options, {}, async (store) => {
      if (!dryRun && !options.yes) {
        const would = await store.cleanup(cutoff, true);
        if (would.files === 0) {
          process.stdout.write(`nothing to remove: no file last inspected before ${cutoff.toISOString()}\n`);
          return;
        }
        const question =
          `remove ${would.files} files last inspected before ${cutoff.toISOString()} ` +
          `(${would.parts} parts, ${would.channels} channels, ${would.attributes} attributes)? [y/N] `;
        if (!(await confirm(question))) {
          process.stdout.write("nothing removed\n");
          return;
        }
      }
      const r = await withElapsed(dryRun ? "counting" : "cleanup", () => store.cleanup(cutoff, dryRun));
      process.stdout.write(
        `${options.dryRun ? "would remove" : "removed"} ${r.files} files last inspected before ${cutoff.toISOString()} ` +
          `(${r.parts} parts, ${r.channels} channels, ${r.attributes} attributes)\n`,
      );
    });
  });
}
