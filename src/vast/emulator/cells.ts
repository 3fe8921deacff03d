/**
 * Lossless conversion between Arrow column data and plain per-row "cells", the emulator's storage form.
 * Raw buffers are read directly so 64-bit integers, timestamps, times, dates and decimals keep their exact
 * stored units (apache-arrow's `get()` would turn timestamps into lossy milliseconds).
 *
 * Cell shapes by type: ints up to 32 bits, floats, date32, time32 → number; 64-bit ints, time64, timestamp,
 * duration, decimal → bigint; float16 → its raw 16-bit pattern; bool → boolean; utf8 → string;
 * binary/fixed_size_binary → Uint8Array; list/fixed_size_list → Cell[]; struct → Cell[] (one per child);
 * map → Cell[] of [key, value] pairs. Vectors — fixed_size_list of float32/float64 items without nulls — are kept
 * compactly instead: one Float32Array/Float64Array per written batch, each cell a view of its row's items (a 384-d
 * embedding is 1.5 KB, not 384 boxed JS numbers), and are answered with one memory copy per run of adjacent rows.
 */
import {
  type Data,
  type DataType,
  type Decimal,
  type Field,
  type FixedSizeBinary,
  type FixedSizeList,
  type Float,
  type Int,
  makeData,
  Precision,
  type Time,
  Type,
} from "apache-arrow";

export type Cell = null | boolean | number | bigint | string | Uint8Array | VectorCell | Cell[];

/** A stored vector: a view of one row's items in its batch's typed array. */
export type VectorCell = Float32Array | Float64Array;

export function isVectorCell(cell: Cell): cell is VectorCell {
  return cell instanceof Float32Array || cell instanceof Float64Array;
}

/** float32/float64 items: the types vectors are stored compactly for. */
function vectorItemArray(type: DataType): Float32ArrayConstructor | Float64ArrayConstructor | null {
  if (type.typeId !== Type.Float) return null;
  const p = (type as Float).precision;
  return p === Precision.SINGLE ? Float32Array : p === Precision.DOUBLE ? Float64Array : null;
}

const utf8 = new TextDecoder();

function bitmapFrom(cells: readonly Cell[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const c of cells) if (c === null) nullCount++;
  if (nullCount === 0) return { nullBitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(cells.length / 8));
  cells.forEach((c, i) => {
    if (c !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap: bitmap, nullCount };
}

function decimalToBigInt(words: Uint32Array, at: number, wordsPerValue: number): bigint {
  let v = 0n;
  for (let w = wordsPerValue - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[at + w]!);
  return BigInt.asIntN(wordsPerValue * 32, v);
}

/** Reads all rows of one Arrow column (Data) as cells. */
export function readCells(data: Data): Cell[] {
  const n = data.length;
  const out: Cell[] = new Array(n);
  const type = data.type as DataType;
  const valid = (i: number): boolean => data.nullCount === 0 || data.getValid(i);
  switch (type.typeId) {
    case Type.Null:
      out.fill(null);
      return out;
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration: {
      const values = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < n; i++) out[i] = valid(i) ? values[i]! : null;
      return out;
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const j = data.offset + i;
        out[i] = valid(i) ? ((bits[j >> 3]! >> (j & 7)) & 1) === 1 : null;
      }
      return out;
    }
    case Type.Utf8:
    case Type.Binary: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      const isText = type.typeId === Type.Utf8;
      for (let i = 0; i < n; i++) {
        if (!valid(i)) {
          out[i] = null;
          continue;
        }
        const slice = bytes.subarray(offsets[i]!, offsets[i + 1]!);
        out[i] = isText ? utf8.decode(slice) : slice.slice();
      }
      return out;
    }
    case Type.FixedSizeBinary: {
      const w = (type as FixedSizeBinary).byteWidth;
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < n; i++) out[i] = valid(i) ? bytes.slice(i * w, (i + 1) * w) : null;
      return out;
    }
    case Type.Decimal: {
      const words = data.values as unknown as Uint32Array;
      const per = (type as Decimal).bitWidth / 32;
      for (let i = 0; i < n; i++) out[i] = valid(i) ? decimalToBigInt(words, i * per, per) : null;
      return out;
    }
    case Type.List:
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const child = readCells(data.children[0]!);
      for (let i = 0; i < n; i++) out[i] = valid(i) ? child.slice(offsets[i]!, offsets[i + 1]!) : null;
      return out;
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      const items = data.children[0]!;
      if (vectorItemArray(items.type) && items.nullCount === 0) {
        // One copy of the batch's items (not a view of the request body), each row a view into it.
        const values = (items.values as VectorCell).slice(0, n * size);
        for (let i = 0; i < n; i++) out[i] = valid(i) ? values.subarray(i * size, (i + 1) * size) : null;
        return out;
      }
      const child = readCells(items);
      for (let i = 0; i < n; i++) out[i] = valid(i) ? child.slice(i * size, (i + 1) * size) : null;
      return out;
    }
    case Type.Struct: {
      const children = data.children.map((c) => readCells(c));
      for (let i = 0; i < n; i++) out[i] = valid(i) ? children.map((c) => c[i]!) : null;
      return out;
    }
    default:
      throw new TypeError(`cannot read Arrow type ${String(type)}`);
  }
}

function typedArrayFor(type: DataType, length: number): { array: ArrayLike<number | bigint>; big: boolean } {
  switch (type.typeId) {
    case Type.Int: {
      const t = type as Int;
      const map = {
        8: t.isSigned ? Int8Array : Uint8Array,
        16: t.isSigned ? Int16Array : Uint16Array,
        32: t.isSigned ? Int32Array : Uint32Array,
        64: t.isSigned ? BigInt64Array : BigUint64Array,
      } as const;
      const Ctor = map[t.bitWidth as 8 | 16 | 32 | 64];
      return { array: new Ctor(length), big: t.bitWidth === 64 };
    }
    case Type.Float: {
      const p = (type as Float).precision;
      if (p === Precision.HALF) return { array: new Uint16Array(length), big: false };
      return {
        array: p === Precision.SINGLE ? new Float32Array(length) : new Float64Array(length),
        big: false,
      };
    }
    case Type.Date:
      return { array: new Int32Array(length), big: false };
    case Type.Time:
      return (type as Time).bitWidth === 64
        ? { array: new BigInt64Array(length), big: true }
        : { array: new Int32Array(length), big: false };
    case Type.Timestamp:
    case Type.Duration:
      return { array: new BigInt64Array(length), big: true };
    default:
      throw new TypeError(`no fixed-width storage for ${String(type)}`);
  }
}

function offsetsOf(cells: readonly Cell[], sizeOf: (c: Cell) => number): Int32Array {
  const offsets = new Int32Array(cells.length + 1);
  let at = 0;
  cells.forEach((c, i) => {
    at += c === null ? 0 : sizeOf(c);
    offsets[i + 1] = at;
  });
  return offsets;
}

/** Builds an Arrow column (Data) of `type` from cells; the inverse of `readCells`. */
export function buildData(type: DataType, cells: readonly Cell[]): Data {
  const length = cells.length;
  const { nullBitmap, nullCount } = bitmapFrom(cells);
  const base = { type, length, nullCount, nullBitmap } as const;
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never);
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration: {
      const { array, big } = typedArrayFor(type, length);
      const target = array as unknown as { [i: number]: number | bigint };
      cells.forEach((c, i) => {
        if (c === null) return;
        target[i] = big ? BigInt(c as number | bigint) : Number(c);
      });
      return makeData({ ...base, data: array } as never);
    }
    case Type.Bool: {
      const bits = new Uint8Array(Math.ceil(length / 8));
      cells.forEach((c, i) => {
        if (c === true) bits[i >> 3]! |= 1 << (i & 7);
      });
      return makeData({ ...base, data: bits } as never);
    }
    case Type.Utf8:
    case Type.Binary: {
      const encoded = cells.map((c) =>
        c === null ? null : typeof c === "string" ? Buffer.from(c, "utf8") : (c as Uint8Array),
      );
      const offsets = offsetsOf(encoded as Cell[], (c) => (c as Uint8Array).length);
      const bytes = new Uint8Array(offsets[length]!);
      encoded.forEach((e, i) => {
        if (e) bytes.set(e, offsets[i]!);
      });
      return makeData({ ...base, valueOffsets: offsets, data: bytes } as never);
    }
    case Type.FixedSizeBinary: {
      const w = (type as FixedSizeBinary).byteWidth;
      const bytes = new Uint8Array(length * w);
      cells.forEach((c, i) => {
        if (c !== null) bytes.set(c as Uint8Array, i * w);
      });
      return makeData({ ...base, data: bytes } as never);
    }
    case Type.Decimal: {
      const per = (type as Decimal).bitWidth / 32;
      const words = new Uint32Array(length * per);
      cells.forEach((c, i) => {
        if (c === null) return;
        let v = BigInt.asUintN(per * 32, c as bigint);
        for (let w = 0; w < per; w++) {
          words[i * per + w] = Number(v & 0xffffffffn);
          v >>= 32n;
        }
      });
      return makeData({ ...base, data: words } as never);
    }
    case Type.List:
    case Type.Map: {
      const offsets = offsetsOf(cells, (c) => (c as Cell[]).length);
      const flat: Cell[] = [];
      for (const c of cells) if (c !== null) for (const x of c as Cell[]) flat.push(x);
      const child = buildData((type.children[0] as Field).type, flat);
      return makeData({ ...base, valueOffsets: offsets, child } as never);
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      const item = type.children[0] as Field;
      const Items = vectorItemArray(item.type);
      if (Items && (!item.nullable || cells.every((c) => c === null || isVectorCell(c)))) {
        const child = makeData({
          type: item.type,
          length: length * size,
          nullCount: 0,
          data: vectorValues(Items, cells, size),
        } as never);
        return makeData({ ...base, child } as never);
      }
      const flat: Cell[] = new Array(length * size).fill(null);
      cells.forEach((c, i) => {
        if (c === null) return;
        const items = c as ArrayLike<Cell>;
        for (let k = 0; k < size; k++) flat[i * size + k] = items[k] ?? null;
      });
      const child = buildData((type.children[0] as Field).type, flat);
      return makeData({ ...base, child } as never);
    }
    case Type.Struct: {
      const fields = type.children as Field[];
      const children = fields.map((f, k) =>
        buildData(
          f.type,
          cells.map((c) => (c === null ? null : ((c as Cell[])[k] ?? null))),
        ),
      );
      return makeData({ ...base, children } as never);
    }
    default:
      throw new TypeError(`cannot build Arrow type ${String(type)}`);
  }
}

/**
 * The items of `cells` (vectors of `size`) as one typed array: a stored run of adjacent rows is copied at once, and
 * when every cell is one such run of the right item type the stored array itself is used (no copy at all).
 */
function vectorValues(
  Items: Float32ArrayConstructor | Float64ArrayConstructor,
  cells: readonly Cell[],
  size: number,
): VectorCell {
  const whole = singleRun(Items, cells, size);
  if (whole) return whole;
  const values = new Items(cells.length * size);
  let i = 0;
  while (i < cells.length) {
    const c = cells[i];
    if (c === null || c === undefined) {
      i++;
      continue;
    }
    if (isVectorCell(c) && c instanceof Items) {
      let end = i + 1;
      while (end < cells.length && follows(cells[end - 1] as VectorCell, cells[end]!)) end++;
      values.set(new Items(c.buffer as ArrayBuffer, c.byteOffset, (end - i) * size), i * size);
      i = end;
      continue;
    }
    const items = c as ArrayLike<number>;
    for (let k = 0; k < size; k++) values[i * size + k] = Number(items[k]);
    i++;
  }
  return values;
}

/** Whether `next` is a view of the same stored batch starting right where `prev` ends. */
function follows(prev: VectorCell, next: Cell): boolean {
  return (
    next !== null &&
    isVectorCell(next) &&
    next.constructor === prev.constructor &&
    next.buffer === prev.buffer &&
    next.byteOffset === prev.byteOffset + prev.byteLength
  );
}

function singleRun(
  Items: Float32ArrayConstructor | Float64ArrayConstructor,
  cells: readonly Cell[],
  size: number,
): VectorCell | null {
  const first = cells[0];
  if (first === undefined || first === null || !(first instanceof Items) || first.length !== size)
    return null;
  for (let i = 1; i < cells.length; i++) if (!follows(cells[i - 1] as VectorCell, cells[i]!)) return null;
  return new Items(first.buffer as ArrayBuffer, first.byteOffset, cells.length * size);
}
