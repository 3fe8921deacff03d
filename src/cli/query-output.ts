import type { QueryResult } from "../catalog/port.js";

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

/** Renders a result as an aligned text table (long cells shortened), JSON array or RFC 4180 CSV. */
export function formatResult(result: QueryResult, format: OutputFormat, maxCell = 64): string {
  if (format === "json") return `${JSON.stringify(resultObjects(result), null, 2)}\n`;
  if (format === "csv") {
    const lines = [result.columns.map(csvField).join(",")];
    for (const row of result.rows) lines.push(row.map((v) => csvField(cellText(v))).join(","));
    return `${lines.join("\r\n")}\r\n`;
  }
  const cells = result.rows.map((row) =>
    row.map((v) => {
      const t = v === null || v === undefined ? "NULL" : cellText(v).replace(/\s+/g, " ");
      return t.length > maxCell ? `${t.slice(0, maxCell - 1)}…` : t;
    }),
  );
  const widths = result.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [line(result.columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  out.push(`(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`);
  return `${out.join("\n")}\n`;
}
