import type { QueryResult } from "../catalog/port.js";
import { escapeControl } from "./output/escape.js";

export type OutputFormat = "table" | "json" | "csv";

function jsonReady(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(jsonReady);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonReady(v)]));
  }
  return value;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  const v = jsonReady(value);
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Rows as objects keyed by column name (JSON output). */
export function resultObjects(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, jsonReady(row[i])])));
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A cell cut to `max` characters in the middle, keeping both ends (a path keeps its file name). */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/**
 * Renders a result as an aligned text table (cells longer than `maxCell` shortened in the middle; Infinity: never;
 * control characters escaped), JSON array or RFC 4180 CSV.
 */
export function formatResult(result: QueryResult, format: OutputFormat, maxCell = 64): string {
  if (format === "json") return `${JSON.stringify(resultObjects(result), null, 2)}\n`;
  if (format === "csv") {
    const lines = [result.columns.map(csvField).join(",")];
    for (const row of result.rows) lines.push(row.map((v) => csvField(cellText(v))).join(","));
    return `${lines.join("\r\n")}\r\n`;
  }
  const cells = result.rows.map((row) =>
    row.map((v) => {
      const t =
        v === null || v === undefined ? "NULL" : escapeControl(cellText(v).replace(/[ \t\r\n]+/g, " "));
      return shorten(t, Math.max(2, maxCell));
    }),
  );
  const columns = result.columns.map(escapeControl);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  out.push(`(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`);
  return `${out.join("\n")}\n`;
}
