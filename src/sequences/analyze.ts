import { type FrameEntry, STRUCTURE_FIELDS, type StructureField } from "./frame-entry.js";
import { type FrameName, parseFrameName } from "./frame-name.js";

/** One sequence as `sequences --format json` prints it. */
export interface SequenceReport {
  directory: string;
  /** The file name with `#` per padded digit: `beauty.####.exr`. */
  pattern: string;
  first: number;
  last: number;
  /** Distinct frame numbers present. */
  count: number;
  missing: number[];
  /** Frame numbers written by more than one file (same number, different padding). */
  duplicates: number[];
  /** Frames with a file that is truncated, half-written or unreadable. */
  incomplete: number[];
  /** Frames whose structure differs from the sequence's majority, with the fields that differ. */
  odd: { frame: number; differs: StructureField[] }[];
  /** Frames far smaller than their neighbours (likely a failed write). */
  size_outliers: number[];
}

/** A frame counts as a size outlier below this fraction of the median size of its neighbours. */
export const SIZE_OUTLIER_RATIO = 0.5;
/** Neighbours considered on each side (by frame order) for the size median. */
export const SIZE_NEIGHBOURS = 4;
/** Missing frames are listed up to this many per sequence (frame numbers span up to 2·10⁹). */
export const MAX_MISSING = 1_000_000;

interface Member {
  entry: FrameEntry;
  name: FrameName;
}

function directoryOf(path: string): { directory: string; name: string } {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut < 0
    ? { directory: ".", name: path }
    : { directory: path.slice(0, cut), name: path.slice(cut + 1) };
}

/**
 * Groups files into sequences: same directory (or S3 prefix), same name around the frame number (prefix,
 * separator, suffix such as `.left.exr`); padding does not split a sequence. Files without a frame number are not
 * part of any sequence. Sequences come out ordered by directory then pattern.
 */
export function groupSequences(entries: Iterable<FrameEntry>): { directory: string; members: Member[] }[] {
  const groups = new Map<string, { directory: string; members: Member[] }>();
  for (const entry of entries) {
    const { directory, name } = directoryOf(entry.path);
    const parsed = parseFrameName(name);
    if (!parsed) continue;
    const key = `${directory}\0${parsed.prefix}\0${parsed.separator}\0${parsed.suffix}`;
    let group = groups.get(key);
    if (!group) {
      group = { directory, members: [] };
      groups.set(key, group);
    }
    group.members.push({ entry, name: parsed });
  }
  const out = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  return out;
}

/** The most common value; ties go to the value that occurs first (members are in frame order). */
function majority(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] as string;
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The checks of one sequence (its members in any order). */
export function analyzeSequence(directory: string, members: Member[]): SequenceReport {
  const sorted = [...members].sort(
    (a, b) => a.name.frame - b.name.frame || a.name.digits.length - b.name.digits.length,
  );
  const byFrame = new Map<number, Member[]>();
  for (const m of sorted) {
    const list = byFrame.get(m.name.frame);
    if (list) list.push(m);
    else byFrame.set(m.name.frame, [m]);
  }
  const frames = [...byFrame.keys()];
  const first = frames[0] as number;
  const last = frames[frames.length - 1] as number;
  const padding = Math.min(...sorted.map((m) => m.name.digits.length));

  const missing: number[] = [];
  for (let i = 1; i < frames.length && missing.length < MAX_MISSING; i++) {
    for (
      let f = (frames[i - 1] as number) + 1;
      f < (frames[i] as number) && missing.length < MAX_MISSING;
      f++
    )
      missing.push(f);
  }
  const duplicates = frames.filter((f) => (byFrame.get(f) as Member[]).length > 1);
  const incomplete = frames.filter((f) => (byFrame.get(f) as Member[]).some((m) => !m.entry.complete));

  const structured = sorted.filter((m) => m.entry.structure !== null);
  const expected = new Map<StructureField, string>();
  for (const field of STRUCTURE_FIELDS)
    if (structured.length > 0)
      expected.set(
        field,
        majority(structured.map((m) => (m.entry.structure as Record<string, string>)[field] as string)),
      );
  const odd: SequenceReport["odd"] = [];
  for (const f of frames) {
    const differs = new Set<StructureField>();
    for (const m of byFrame.get(f) as Member[]) {
      if (!m.entry.structure) continue;
      for (const field of STRUCTURE_FIELDS)
        if (m.entry.structure[field] !== expected.get(field)) differs.add(field);
    }
    if (differs.size > 0) odd.push({ frame: f, differs: STRUCTURE_FIELDS.filter((x) => differs.has(x)) });
  }

  // One size per frame (the largest of its files) compared with the median of its neighbours in frame order.
  const sizes = frames.map((f) => {
    const known = (byFrame.get(f) as Member[])
      .map((m) => m.entry.size)
      .filter((s): s is number => s !== null);
    return known.length ? Math.max(...known) : null;
  });
  const size_outliers: number[] = [];
  for (let i = 0; i < frames.length; i++) {
    const size = sizes[i];
    if (size === null || size === undefined) continue;
    const around: number[] = [];
    for (
      let j = Math.max(0, i - SIZE_NEIGHBOURS);
      j <= Math.min(frames.length - 1, i + SIZE_NEIGHBOURS);
      j++
    ) {
      const s = sizes[j];
      if (j !== i && s !== null && s !== undefined) around.push(s);
    }
    if (around.length >= 2 && size < SIZE_OUTLIER_RATIO * median(around))
      size_outliers.push(frames[i] as number);
  }

  const template = (sorted[0] as Member).name;
  return {
    directory,
    pattern: patternOf(template, padding),
    first,
    last,
    count: frames.length,
    missing,
    duplicates,
    incomplete,
    odd,
    size_outliers,
  };
}

function patternOf(name: FrameName, padding: number): string {
  return `${name.prefix}${name.separator}${"#".repeat(padding)}${name.suffix}`;
}

/** Every sequence among the entries, checked. */
export function analyzeSequences(entries: Iterable<FrameEntry>): SequenceReport[] {
  return groupSequences(entries).map((g) => analyzeSequence(g.directory, g.members));
}
