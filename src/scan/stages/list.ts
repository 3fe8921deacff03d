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
  for (;;) {
    const pending = walk.next();
    let next = await Promise.race(groupAge ? [pending, hooks.aborted, groupAge] : [pending, hooks.aborted]);
    if (next === STALLED) {
      yield group;
      group = [];
      groupAge = null;
      next = await Promise.race([pending, hooks.aborted]);
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
