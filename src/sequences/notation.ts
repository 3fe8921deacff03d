import type { SequenceReport } from "./analyze.js";
import { formatFrame } from "./frame-name.js";

/** `[1, 2, 3, 7, 9, 10]` → `1-3 7 9-10` (frames ascending). */
export function frameRanges(frames: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < frames.length) {
    let j = i;
    while (j + 1 < frames.length && (frames[j + 1] as number) === (frames[j] as number) + 1) j++;
    out.push(i === j ? String(frames[i]) : `${frames[i]}-${frames[j]}`);
    i = j + 1;
  }
  return out.join(" ");
}

/** Runs of consecutive frames `[start, end]` (frames ascending): the compact form of a frame list. */
export function frameRuns(frames: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const f of frames) {
    const last = runs[runs.length - 1];
    if (last && last[1] === f - 1) last[1] = f;
    else runs.push([f, f]);
  }
  return runs;
}

/**
 * One line per sequence in the notation of file browsers and Nuke-style tools:
 * `beauty.[1001-1100].exr  100 frames  missing 1042-1044  incomplete 1050  odd 1060 (channels)`.
 */
export function sequenceLine(s: SequenceReport): string {
  const hashes = /#+/.exec(s.pattern);
  const padding = hashes ? hashes[0].length : 1;
  const range =
    s.first === s.last
      ? formatFrame(s.first, padding)
      : `[${formatFrame(s.first, padding)}-${formatFrame(s.last, padding)}]`;
  const name = hashes ? s.pattern.replace(/#+/, range) : s.pattern;
  const parts = [name, `${s.count} frame${s.count === 1 ? "" : "s"}`];
  if (s.missing.length) parts.push(`missing ${frameRanges(s.missing)}`);
  if (s.duplicates.length) parts.push(`duplicates ${frameRanges(s.duplicates)}`);
  if (s.incomplete.length) parts.push(`incomplete ${frameRanges(s.incomplete)}`);
  if (s.odd.length) parts.push(`odd ${s.odd.map((o) => `${o.frame} (${o.differs.join(", ")})`).join(" ")}`);
  if (s.size_outliers.length) parts.push(`small ${frameRanges(s.size_outliers)}`);
  return parts.join("  ");
}

/** The text report: each directory once, then its sequences indented. */
export function sequenceLines(reports: readonly SequenceReport[]): string {
  let out = "";
  let directory: string | null = null;
  for (const s of reports) {
    if (s.directory !== directory) {
      directory = s.directory;
      out += `${directory}/\n`;
    }
    out += `  ${sequenceLine(s)}\n`;
  }
  return out;
}
