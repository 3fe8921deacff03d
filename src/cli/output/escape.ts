/**
 * Text output shows damaged names and values on one line: control characters (C0, DEL, C1) and the Unicode line
 * separators are printed as escapes (`\n`, `\t`, `\r`, `\xHH`, `\u2028`), so one finding is one line and
 * `grep` never calls the output binary. JSON output needs none of this (JSON.stringify escapes).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The same characters, tested without the global flag's state (most texts have none: returned as they are). */
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function escapeControl(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).padStart(4, "0")}`
      : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}
