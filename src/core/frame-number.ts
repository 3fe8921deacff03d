/**
 * Frame number from a file name: the last group of digits of the name without its `.exr`
 * extension, when that group ends the name and is preceded by `.`, `_` or `-` (or is the whole name).
 * A `-` directly after a `.` or `_` separator makes it negative (`shot.-005.exr` → -5).
 * Digits glued to letters (`v003`, `beauty1001`) are not frame numbers. At most 9 digits.
 *   beauty.1001.exr → 1001, shot_0042.exr → 42, x.v2.1001.exr → 1001, Desk.exr → null
 */
export function frameNumberFromPath(path: string): number | null {
  let end = path.length;
  if (path.slice(-4).toLowerCase() === ".exr") end -= 4;
  // ten digits are already too many: the scan stops there
  const lowest = Math.max(0, end - 10);
  let start = end;
  while (start > lowest) {
    const c = path.charCodeAt(start - 1);
    if (c < 48 || c > 57) break;
    start--;
  }
  const digits = end - start;
  if (digits === 0 || digits > 9) return null;
  const before = path.charAt(start - 1); // "" at the start
  const isSeparator = (ch: string) => ch === "." || ch === "_" || ch === "-";
  const atNameStart = before === "" || before === "/" || before === "\\";
  if (!atNameStart && !isSeparator(before)) return null;
  const value = Number(path.slice(start, end));
  // "-" preceded by another separator is a sign (`shot.-005`); otherwise it is the separator itself.
  const negative = before === "-" && isSeparator(path.charAt(start - 2));
  return negative && value !== 0 ? -value : value;
}
