import { type Command, InvalidArgumentError } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";

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
      .option("--dry-run", "only count what would be removed"),
  ).action(async (options: CatalogCliOptions & { olderThan: string; dryRun?: boolean }) => {
    const cutoff = cutoffFor(options.olderThan);
    await withCatalog(options, {}, async (store) => {
      const r = await store.cleanup(cutoff, options.dryRun ?? false);
      process.stdout.write(
        `${options.dryRun ? "would remove" : "removed"} ${r.files} files last inspected before ${cutoff.toISOString()} ` +
          `(${r.parts} parts, ${r.channels} channels, ${r.attributes} attributes)\n`,
      );
    });
  });
}
