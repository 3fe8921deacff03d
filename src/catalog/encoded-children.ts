import type { AttributeRow, CatalogRecord, ChannelRow } from "./rows.js";

/**
 * The channel and attribute rows of a file as UTF-8 texts (CatalogRecord.encoded), for stores that take them
 * (`CatalogStore.acceptsEncodedChildren`; the DuckDB adapter's fast path): a scan worker encodes them, the main
 * thread hands DuckDB one BLOB per table and file instead of one appender call per value (and receives a few
 * buffers from the worker instead of ~40 row objects), and DuckDB expands them in the bulk insert. Two encodings:
 * columnar (below, the usual one: `string_split` in DuckDB) and JSON (`from_json`; one-letter keys, KEYS), for a
 * file whose strings hold the columnar encoding's separators. Measured on the 20,000-file bench tree
 * (2026-12-08): the columnar encoding took the whole scan's CPU from 14.6–16.2 to 13.6–13.9 s.
 *
 * Rows are encoded without `file_id`/`file_path` (taken from the file row). `value_number` travels as text
 * (`String(v)`, so NaN and ±Infinity survive; DuckDB's cast to DOUBLE is exact); the channel fingerprint as the
 * text of an array of its float32 values (finite: an L2-normalized sum of finite weights), read back as FLOAT[].
 */
type Encoded<Row> = Exclude<keyof Row, "file_id" | "file_path">;

export const CHANNEL_KEYS: Record<Encoded<ChannelRow>, string> = {
  part_index: "p",
  channel_name: "n",
  channel_type: "t",
  x_sampling: "x",
  y_sampling: "y",
  channel_fingerprint: "f",
  layer_name: "l",
  component_name: "c",
  p_linear: "q",
};

export const ATTRIBUTE_KEYS: Record<Encoded<AttributeRow>, string> = {
  part_index: "p",
  attribute_name: "n",
  attribute_type: "t",
  attribute_value: "v",
  attribute_index: "i",
  value_number: "d",
  value_text: "s",
};

/** `\udXXX` escapes in JSON.stringify output: a lone surrogate, which napi's UTF-8 conversion turns into U+FFFD. */
const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function toJson(rows: unknown[]): string {
  const json = JSON.stringify(rows);
  // JSON.stringify writes a lone surrogate as a lower-case `\udXXX` escape (cheap substring check first).
  // Stryker disable next-line LogicalOperator,StringLiteral: a cheaper pre-check; the replacement below gives the same text
  if (!json.includes("\\ud") || !LONE_SURROGATE_ESCAPE.test(json)) return json;
  // Same bytes as the appender would store: lone surrogates become U+FFFD.
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === "string" ? value.replace(LONE_SURROGATE, "\uFFFD") : value,
  );
}

// Keys as in CHANNEL_KEYS / ATTRIBUTE_KEYS (the round-trip tests compare every column).
function channelJson(c: ChannelRow) {
  return {
    p: c.part_index,
    n: c.channel_name,
    t: c.channel_type,
    x: c.x_sampling,
    y: c.y_sampling,
    f: c.channel_fingerprint ? Array.from(c.channel_fingerprint) : null,
    l: c.layer_name,
    c: c.component_name,
    q: c.p_linear,
  };
}

/** A number as text that DuckDB casts back to the same double: String() writes -0 as "0". */
function exactNumberText(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

function attributeJson(a: AttributeRow) {
  return {
    p: a.part_index,
    n: a.attribute_name,
    t: a.attribute_type,
    v: a.attribute_value,
    i: a.attribute_index,
    d: a.value_number === null ? null : exactNumberText(a.value_number),
    s: a.value_text,
  };
}

const utf8 = new TextEncoder();

/**
 * The columnar encoding (`EncodedChildren.format` "columns"), the fast one: a table's rows as one text, its columns
 * (in CHANNEL_KEYS / ATTRIBUTE_KEYS order) separated by U+001E, each column's values by U+0000, a NULL string as
 * U+0001 and a NULL number, boolean or fingerprint as an empty value. DuckDB splits it with `string_split` and
 * casts (duckdb/child-json-sql.ts): no row objects and no escaping on the worker, no JSON parse in DuckDB. A file
 * with a string the separators could confuse (holding U+0000 or U+001E, or exactly U+0001: only in damaged or
 * hostile headers) is encoded as JSON instead.
 */
export const VALUE_SEPARATOR = "\u0000";
export const COLUMN_SEPARATOR = "\u001e";
export const NULL_STRING = "\u0001";

/** A column's text for one row, or null when the value cannot be written in the columnar encoding. */
type ColumnText<Row> = (row: Row) => string | null;

function stringText(v: string | null): string | null {
  if (v === null) return NULL_STRING;
  return v === NULL_STRING || v.includes(VALUE_SEPARATOR) || v.includes(COLUMN_SEPARATOR) ? null : v;
}

const numberText = (v: number | boolean | null): string => (v === null ? "" : String(v));

const CHANNEL_TEXT: Record<Encoded<ChannelRow>, ColumnText<ChannelRow>> = {
  part_index: (c) => String(c.part_index),
  channel_name: (c) => stringText(c.channel_name),
  channel_type: (c) => stringText(c.channel_type),
  x_sampling: (c) => numberText(c.x_sampling),
  y_sampling: (c) => numberText(c.y_sampling),
  channel_fingerprint: (c) => (c.channel_fingerprint ? `[${c.channel_fingerprint.join(",")}]` : ""),
  layer_name: (c) => stringText(c.layer_name),
  component_name: (c) => stringText(c.component_name),
  p_linear: (c) => numberText(c.p_linear),
};

const ATTRIBUTE_TEXT: Record<Encoded<AttributeRow>, ColumnText<AttributeRow>> = {
  part_index: (a) => numberText(a.part_index),
  attribute_name: (a) => stringText(a.attribute_name),
  attribute_type: (a) => stringText(a.attribute_type),
  attribute_value: (a) => stringText(a.attribute_value),
  attribute_index: (a) => String(a.attribute_index),
  value_number: (a) => (a.value_number === null ? "" : exactNumberText(a.value_number)),
  value_text: (a) => stringText(a.value_text),
};

/** The columns encoded, in the order the text holds them (the order of CHANNEL_KEYS / ATTRIBUTE_KEYS). */
export const CHANNEL_ENCODED_COLUMNS = Object.keys(CHANNEL_KEYS) as Encoded<ChannelRow>[];
export const ATTRIBUTE_ENCODED_COLUMNS = Object.keys(ATTRIBUTE_KEYS) as Encoded<AttributeRow>[];
const CHANNEL_ENCODERS = CHANNEL_ENCODED_COLUMNS.map((c) => CHANNEL_TEXT[c]);
const ATTRIBUTE_ENCODERS = ATTRIBUTE_ENCODED_COLUMNS.map((c) => ATTRIBUTE_TEXT[c]);

/** The columnar text of some rows ("" for none), or null when a value does not fit the encoding. */
function columnsText<Row>(rows: readonly Row[], encoders: readonly ColumnText<Row>[]): string | null {
  if (rows.length === 0) return "";
  const columns: string[] = [];
  for (const encode of encoders) {
    let text = "";
    for (let i = 0; i < rows.length; i++) {
      const value = encode(rows[i]!);
      if (value === null) return null;
      text = i === 0 ? value : text + VALUE_SEPARATOR + value;
    }
    columns.push(text);
  }
  return columns.join(COLUMN_SEPARATOR);
}

/**
 * Moves a record's channel and attribute rows into `encoded` (UTF-8, each in an ArrayBuffer of its own that a
 * worker can transfer: see `encodedBuffers`), columnar when every value fits, else as JSON; its arrays are left
 * empty. UTF-8 encoding turns a lone surrogate into U+FFFD, as the appender stores it.
 */
export function encodeChildren(record: CatalogRecord): void {
  const channels = columnsText(record.channels, CHANNEL_ENCODERS);
  const attributes = channels === null ? null : columnsText(record.attributes, ATTRIBUTE_ENCODERS);
  record.encoded =
    channels !== null && attributes !== null
      ? { format: "columns", channels: utf8.encode(channels), attributes: utf8.encode(attributes) }
      : {
          format: "json",
          channels: utf8.encode(toJson(record.channels.map(channelJson))),
          attributes: utf8.encode(toJson(record.attributes.map(attributeJson))),
        };
  record.channels = [];
  record.attributes = [];
}

/** The buffers of encoded records, to transfer with them (they are unusable on the sending thread after). */
export function encodedBuffers(records: readonly CatalogRecord[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const r of records)
    if (r.encoded)
      out.push(r.encoded.channels.buffer as ArrayBuffer, r.encoded.attributes.buffer as ArrayBuffer);
  return out;
}
