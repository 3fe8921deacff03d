/**
 * The frame-name grammar of rendered image sequences:
 *
 *   name   = prefix separator [ "-" ] digits { "." token } "." extension
 *   separator = "." | "_" | "-"          (absent when the digits start the name: `1001.exr`)
 *   token  = a dot-free word that is not all digits (a view or pass: `beauty.1001.left.exr`)
 *
 * The frame is the last digit run that fits (`sh010_v003.1001.exr` → 1001). A `-` right after a separator is a
 * sign (`beauty.-0005.exr` → -5); a lone `-` is the separator (`beauty-0005.exr` → 5). Digits glued to letters
 * (`v003`, `beauty1001`) are not frames. At most 9 digits, so every frame is an exact integer.
 * Padding is the digit count as written (`0042` → 4); the same frame may be written with two paddings.
 */
export interface FrameName {
  /** Everything before the separator (may contain dots, digits and separators itself). */
  prefix: string;
  separator: "." | "_" | "-" | "";
  /** The digits as written, without the sign (`0042`). */
  digits: string;
  frame: number;
  /** From the dot after the digits to the end, extension included (`.left.exr`, `.exr`). */
  suffix: string;
}

/** The grammar as a regular expression (RE2-compatible: the catalog runs the same one in SQL). */
export const FRAME_NAME_PATTERN =
  /^(?:(.*)([._-]))?(-?)(\d{1,9})((?:\.[^./\\]*[^./\\\d][^./\\]*)*\.[A-Za-z][A-Za-z0-9]*)$/;

/** Parses a file name (no directory); null when it carries no frame number. */
export function parseFrameName(name: string): FrameName | null {
  const m = FRAME_NAME_PATTERN.exec(name);
  if (!m) return null;
  let prefix = m[1] ?? "";
  let separator = (m[2] ?? "") as FrameName["separator"];
  let sign = m[3] ?? "";
  const digits = m[4] as string;
  const suffix = m[5] as string;
  // `beauty--5` matched as prefix `beauty-`, separator `-`: the second `-` is the sign of the frame.
  if (sign === "" && separator === "-" && /[._-]$/.test(prefix)) {
    sign = "-";
    separator = prefix.slice(-1) as FrameName["separator"];
    prefix = prefix.slice(0, -1);
  }
  const value = Number(digits);
  return { prefix, separator, digits, frame: sign === "-" && value !== 0 ? -value : value, suffix };
}

/** The name of `parsed` with a different frame and padding (`formatFrameName(p, p.frame, 4)` round-trips). */
export function formatFrameName(
  parsed: Omit<FrameName, "digits" | "frame">,
  frame: number,
  padding: number,
): string {
  return `${parsed.prefix}${parsed.separator}${formatFrame(frame, padding)}${parsed.suffix}`;
}

/** A frame number zero-padded to `padding` digits, the sign in front (`-5`, 4 → `-0005`). */
export function formatFrame(frame: number, padding: number): string {
  const digits = String(Math.abs(frame)).padStart(padding, "0");
  return frame < 0 ? `-${digits}` : digits;
}
