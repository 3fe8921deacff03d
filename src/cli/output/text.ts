import type { Finding, InspectionResult, PartRecord } from "../../core/model.js";
import type { PolicyFinding } from "../../policy/model.js";
import { escapeControl } from "./escape.js";
import { summarizeFindings } from "./finding-summary.js";
import { shortestFloat32 } from "./float32.js";
import { formatAttributeValue } from "./format-value.js";
import { humanBytes } from "./human.js";

/** Names and paths from files (possibly damaged) on one line. */
const esc = escapeControl;
const quoted = (s: string) => esc(JSON.stringify(s));

const box = (b: { min: [number, number]; max: [number, number] } | null) =>
  b ? `(${b.min[0]} ${b.min[1]}) - (${b.max[0]} ${b.max[1]})` : "unknown";

function flagWords(r: InspectionResult): string {
  const f = r.file.flags;
  if (!f) return "unknown";
  const words = [
    f.tiled && "tiled",
    f.long_names && "long names",
    f.non_image && "non-image (deep)",
    f.multipart && "multi-part",
  ].filter(Boolean);
  return `0x${f.raw.toString(16)}${words.length ? ` (${words.join(", ")})` : ""}`;
}

/** One finding on one line: severity, code, message and every location field present. */
export function formatFinding(f: Finding): string {
  const where: string[] = [];
  if (f.part_index !== undefined && f.part_index !== null) where.push(`part ${f.part_index}`);
  if (f.attribute) where.push(`attribute ${esc(f.attribute)}`);
  if (f.chunk_index !== undefined && f.chunk_index !== null) where.push(`chunk ${f.chunk_index}`);
  if (f.byte_offset !== undefined && f.byte_offset !== null) where.push(`byte ${f.byte_offset}`);
  return `${f.severity} ${f.code}: ${esc(f.message)}${policyDetail(f)}${where.length ? ` [${where.join(", ")}]` : ""}`;
}

/** A policy finding's expected and actual values and its suggested fix. */
function policyDetail(f: Finding): string {
  if (!("rule_id" in f)) return "";
  const p = f as PolicyFinding;
  const parts: string[] = [];
  if (p.expected !== null) parts.push(`expected ${p.expected}`);
  if (p.actual !== null) parts.push(`actual ${p.actual}`);
  if (p.suggested_fix !== null) parts.push(`fix: ${p.suggested_fix}`);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

function derived(p: PartRecord, lines: string[]): void {
  const i = "    ";
  lines.push("  derived:");
  lines.push(
    `${i}type ${p.type ?? "unknown"}${p.is_deep ? " (deep)" : ""}, tiled ${p.is_tiled ? "yes" : "no"}`,
  );
  if (p.part_name !== null) lines.push(`${i}name ${quoted(p.part_name)}`);
  if (p.view_name !== null) lines.push(`${i}view ${quoted(p.view_name)}`);
  const views = (p as PartRecord & { views?: string[] | null }).views;
  if (views) lines.push(`${i}views ${views.map(quoted).join(", ")}`);
  lines.push(`${i}data window ${box(p.data_window)}, ${p.width ?? "?"} x ${p.height ?? "?"}`);
  lines.push(
    `${i}display window ${box(p.display_window)}, ${p.display_width ?? "?"} x ${p.display_height ?? "?"}`,
  );
  lines.push(
    `${i}pixel aspect ratio ${p.pixel_aspect_ratio === null ? "?" : shortestFloat32(p.pixel_aspect_ratio)}, line order ${p.line_order ?? "?"}, compression ${p.compression ?? "?"}`,
  );
  const t = p.tiling;
  if (t) {
    lines.push(
      `${i}tiles ${t.x_size} x ${t.y_size}, ${t.level_mode}, ${t.rounding_mode}, levels ${t.num_x_levels} x ${t.num_y_levels}`,
    );
    for (const l of t.levels)
      lines.push(
        `${i}  level (${l.level_x} ${l.level_y}): ${l.width} x ${l.height} pixels, ${l.tiles_x} x ${l.tiles_y} tiles`,
      );
  }
  lines.push(
    `${i}chunks: ${p.chunk_count_stored === null ? "count not stored" : `${p.chunk_count_stored} stored`}, ${p.chunk_count ?? "?"} computed, ${p.chunks_present ?? "?"} present`,
  );
  lines.push(
    `${i}header at byte ${p.header_offset}, offset table at ${p.offset_table_offset ?? "?"}, chunk data ${p.data_offset_min ?? "?"} .. ${p.data_offset_max ?? "?"}`,
  );
}

/** The `inspect --format text` rendering: exrheader's layout, complete, followed by derived facts and findings. */
export function formatInspectionText(r: InspectionResult): string {
  const f = r.file;
  const lines: string[] = [];
  lines.push(`file ${esc(f.path)}:`);
  lines.push(
    `  size ${humanBytes(f.size_bytes)} (${f.size_bytes} bytes), modified ${f.mtime ?? "unknown"}, header ${f.header_bytes ?? "?"} bytes, read ${f.bytes_read} bytes`,
  );
  lines.push(`  header sha256 ${f.header_hash ?? "unknown"}`);
  lines.push(
    `  file format version ${f.version ?? "?"}, flags ${flagWords(r)}, ${f.multipart_count} part${f.multipart_count === 1 ? "" : "s"}${f.is_deep ? ", deep" : ""}`,
  );
  lines.push(`  complete ${f.is_complete ? "yes" : "no"}, frame number ${f.frame_number ?? "none"}`);
  for (const p of r.parts) {
    lines.push("");
    lines.push(`part ${p.part_index}${p.part_name !== null ? ` ${quoted(p.part_name)}` : ""}:`);
    for (const a of p.attributes) {
      const value = formatAttributeValue(a, "      ");
      const sep = value.startsWith("\n") ? "" : " ";
      lines.push(
        `  ${esc(a.name)} (type ${esc(a.type)}, ${a.size} byte${a.size === 1 ? "" : "s"} at ${a.offset}):${sep}${value}`,
      );
    }
    derived(p, lines);
    const chans = r.channels.filter((c) => c.part_index === p.part_index);
    if (chans.length) {
      lines.push("  channels:");
      for (const c of chans)
        lines.push(
          `    ${esc(c.name)}: layer ${c.layer_name === null ? "(none)" : quoted(c.layer_name)}, component ${quoted(c.component_name)}, ${c.type}, sampling ${c.x_sampling} ${c.y_sampling}, plinear ${c.p_linear ? "yes" : "no"}`,
        );
    }
  }
  lines.push("");
  lines.push(`validation: ${r.validation.status}`);
  for (const line of summarizeFindings(r, formatFinding)) lines.push(`  ${line.text}`);
  return `${lines.join("\n")}\n`;
}

/**
 * The `validate --format text --details` rendering: one line per finding (truncation grouped, header-cut cascades
 * left out: see finding-summary.ts), prefixed by the path, then the verdict; `OK` when clean.
 */
export function formatFindingsText(r: InspectionResult): string {
  const head = esc(r.file.path);
  if (r.validation.findings.length === 0) return `${head}: OK\n`;
  const incomplete = r.file.is_complete ? "" : ` (incomplete)`;
  const lines = summarizeFindings(r, formatFinding).map((l) => `${head}: ${l.text}`);
  return `${lines.join("\n")}\n${head}: ${r.validation.status.toUpperCase()}${incomplete}\n`;
}

/** The `validate --summary` rendering: one line per file, its verdict and the first thing wrong. */
export function formatFindingsLine(r: InspectionResult): string {
  const head = esc(r.file.path);
  if (r.validation.findings.length === 0) return `${head}: OK\n`;
  const incomplete = r.file.is_complete ? "" : " (incomplete)";
  const lines = summarizeFindings(r, formatFinding).filter((l) => l.severity !== "info");
  const first = lines.find((l) => l.severity === "error") ?? lines[0];
  const more = lines.length > 1 ? ` (+${lines.length - 1} more)` : "";
  return `${head}: ${r.validation.status.toUpperCase()}${incomplete}${first ? ` — ${first.text}` : ""}${more}\n`;
}
