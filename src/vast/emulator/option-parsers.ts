import { InvalidArgumentError } from "commander";

/** `vast-emulator` option values: a probability (fault and notification rates). */
export function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("expected a fraction between 0 and 1");
  return n;
}

/** `vast-emulator` option values: a count or a number of milliseconds. */
export function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}
