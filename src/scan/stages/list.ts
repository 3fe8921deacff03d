import type { InputEntry } from "../../io/remote-inputs.js";

/** Paths handed on together: one catalog lookup and one round of dispatch per group. */
const GROUP_SIZE = 1024;
/** A partial group waits at most this long for the walk to fill it. */
const GROUP_STALL_MS = 250;
const STALLED = Symbol("stalled");
const stall = (ms: number) =>
  new Promise<typeof STALLED>((resolve) => setTimeout(() => resolve(STALLED), ms).unref());

export interface ListHooks {
  /** Resolves (to null) when the run is aborted: raced against waits that may never end (a walk reading stdin). */
  aborted: Promise<null>;
  stopped: () => boolean;
  onFound: () => void;
  onInputError: (message: string) => void;
  /** Called once the walk has ended by itself (not by a stop), before the last group is handed on. */
  onWalkDone: () => void;
}

/**
 * Stage 1 of a scan: turns the walk of the inputs into groups of entries. A group is handed on when full, or when
 * the walk has been slow to fill it (a producer on stdin, a slow mount), so what was found is inspected meanwhile.
 */
export async function* listInGroups(
  walk: AsyncIterator<InputEntry>,
  hooks: ListHooks,
): AsyncGenerator<InputEntry[]> {
  let group: InputEntry[] = [];
  /** Fires GROUP_STALL_MS after the current group got its first entry. */
  let groupAge: Promise<typeof STALLED> | null = null;
  const abortable = abortableWaits(hooks.aborted);
  for (;;) {
    const pending = abortable(walk.next());
    let next = await (groupAge ? Promise.race([pending, groupAge]) : pending);
    if (next === STALLED) {
      yield group;
      group = [];
      groupAge = null;
      next = await pending;
    }
    if (next === null || next.done || hooks.stopped()) break;
    const entry = next.value;
    if (entry.failure) {
      hooks.onInputError(entry.error ?? entry.path);
      continue;
    }
    hooks.onFound();
    group.push(entry);
    groupAge ??= stall(GROUP_STALL_MS);
    if (group.length >= GROUP_SIZE) {
      yield group;
      group = [];
      groupAge = null;
    }
  }
  if (hooks.stopped()) return;
  hooks.onWalkDone();
  if (group.length > 0) yield group;
}

/**
 * Wraps waits so that they end (with null) when `aborted` resolves. `Promise.race` against `aborted` itself would
 * leave one reaction on that long-lived promise per wait (one per path: memory growing with the tree); here
 * `aborted` gets one reaction for the whole run and wakes only the wait in progress.
 */
export function abortableWaits(aborted: Promise<null>): <T>(wait: Promise<T>) => Promise<T | null> {
  let isAborted = false;
  let wakeCurrent: ((value: null) => void) | null = null;
  void aborted.then(() => {
    isAborted = true;
    wakeCurrent?.(null);
  });
  return <T>(wait: Promise<T>) =>
    isAborted
      ? Promise.resolve(null)
      : new Promise<T | null>((resolve, reject) => {
          wakeCurrent = resolve;
          wait.then(resolve, reject);
        });
}
