/**
 * Frame number from a file name: the last group of digits of the name without its `.exr`
 * extension, when that group ends the name and is preceded by `.`, `_` or `-` (or is the whole name).
 * A `-` directly after a `.` or `_` separator makes it negative (`shot.-005.exr` → -5).
 * Digits glued to letters (`v003`, `beauty1001`) are not frame numbers. At most 9 digits.
 *   beauty.1001.exr → 1001, shot_0042.exr → 42, x.v2.1001.exr → 1001, Desk.exr → null
 */
export function frameNumberFromPath(path: string): number | null {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const stem = base.replace(/\.exr$/i, "");
  const m = /(?:^|[._-])(-?)(\d{1,9})$/.exec(stem);
  if (!m) return null;
  const sign = m[1] === "-" && m.index > 0 ? -1 : 1;
  const value = sign * Number(m[2]);
  return Object.is(value, -0) ? 0 : value;
}
