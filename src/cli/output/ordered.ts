/**
 * Maps an async stream with at most `limit` calls in flight, yielding results in input order.
 * A slow item holds back later output (not later work beyond the limit), which keeps memory bounded.
 */
export async function* mapOrdered<T, R>(
  input: AsyncIterable<T> | Iterable<T>,
  fn: (item: T) => Promise<R>,
  limit: number,
): AsyncGenerator<R> {
  const pending: Array<Promise<R>> = [];
  for await (const item of input) {
    pending.push(fn(item));
    if (pending.length >= limit) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}
