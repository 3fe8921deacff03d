/**
 * A set of byte strings (e.g. the UTF-8 `file_id`s of a whole catalog) kept compactly: every key's bytes in one
 * growing arena, an open-addressing index of 32-bit slots, and a dense id per key (0, 1, 2 … in insertion order)
 * that callers use to index their own typed arrays. No JS object or string per key and none per lookup, so a
 * catalog-sized pass (`counts` over 100k files and millions of child rows) holds a few MB and makes no garbage.
 */

export class ByteKeyTable {
  #arena = new Uint8Array(1 << 16);
  #arenaUsed = 0;
  /** Per id: where its key starts in the arena (its end is the next key's start, or `#arenaUsed`). */
  #starts = new Uint32Array(1 << 10);
  #hashes = new Uint32Array(1 << 10);
  #count = 0;
  /** id + 1 per slot, 0 = empty; always at most half full. */
  #slots = new Uint32Array(1 << 11);

  get size(): number {
    return this.#count;
  }

  /** The id of the key, or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot]!;
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.#hashes[id] === hash && this.#equals(id, bytes, start, end)) return id;
    }
  }

  /** The id of the key, added if new. */
  add(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot]!;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.#hashes[id] === hash && this.#equals(id, bytes, start, end)) return id;
    }
    const id = this.#count++;
    if (id === this.#starts.length) {
      this.#starts = grown(this.#starts, id * 2);
      this.#hashes = grown(this.#hashes, id * 2);
    }
    const length = end - start;
    if (this.#arenaUsed + length > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + length));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
    }
    this.#arena.set(bytes.subarray(start, end), this.#arenaUsed);
    this.#starts[id] = this.#arenaUsed;
    this.#arenaUsed += length;
    this.#hashes[id] = hash;
    this.#slots[slot] = id + 1;
    if (this.#count * 2 > this.#slots.length) this.#rehash();
    return id;
  }

  #equals(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.#starts[id]!;
    const to = id + 1 < this.#count ? this.#starts[id + 1]! : this.#arenaUsed;
    if (to - from !== end - start) return false;
    const arena = this.#arena;
    for (let i = 0; i < to - from; i++) if (arena[from + i] !== bytes[start + i]) return false;
    return true;
  }

  #rehash(): void {
    const slots = new Uint32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.#count; id++) {
      let slot = this.#hashes[id]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.#slots = slots;
  }
}

/** A copy of `array` with room for `length` entries. */
export function grown<T extends Uint32Array | Int32Array>(array: T, length: number): T {
  const out = new (array.constructor as new (n: number) => T)(length);
  out.set(array);
  return out;
}

/** FNV-1a over the bytes, then a final mix so that linear probing on the low bits spreads well. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
