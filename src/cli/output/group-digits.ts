/**
 * A count with en-US thousands separators (1,234,567), as `n.toLocaleString("en-US")` prints it, without ICU: the
 * first `toLocaleString` of a process builds V8's locale tables, ~15 ms of CPU in a `validate` that lives 80 ms.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) return n.toLocaleString("en-US");
  return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}
