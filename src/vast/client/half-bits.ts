/**
 * IEEE binary16 bits of a number, rounded once from the float64 value to the nearest half (ties to even),
 * overflow to ±Inf, NaN to the quiet NaN 0x7e00: what the official SDK sends for a float16 literal
 * (`np.float16(value).view(np.uint16)`). Going through float32 first would round twice and could differ.
 */
export function float64ToHalfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= 65520) return sign | 0x7c00; // at or past the midpoint between 65504 (the largest half) and 2^16
  // (0: log2 is -Infinity, so e is -14 and k 0.)
  let e = Math.max(-14, Math.floor(Math.log2(a)));
  // log2 may be off by one next to a power of two. Equivalent mutants: within an ulp of 2^e both grids round to
  // the same half (k carries into the exponent), and V8's log2 is exact at powers of two, so no test tells.
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator,UpdateOperator: see above
  if (e > -14 && 2 ** e > a) e--;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UpdateOperator: see above
  else if (2 ** (e + 1) <= a) e++;
  // Halves with exponent e are multiples of 2^(e-10) (subnormals: of 2^-24); dividing by a power of two is exact.
  const q = a / 2 ** (e - 10);
  let k = Math.floor(q);
  const rest = q - k;
  if (rest > 0.5 || (rest === 0.5 && k % 2 === 1)) k++;
  // Added, not or-ed: k may round up to 2^11, which carries into the exponent (up to 0x7c00, infinity).
  // For e = -14 this is k itself (subnormals, then the first normal binade).
  return sign | (((e + 15) << 10) + (k - 1024));
}
