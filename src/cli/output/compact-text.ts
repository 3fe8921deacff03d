/**
 * The default `inspect` text: about as long as `exrheader`'s, for people. One summary line per file and per part,
 * the channel list as a layer summary (`diffuse.{R,G,B}`), then every other attribute as `name: value` once (no
 * sizes or offsets, windows not repeated), then the findings. `--verbose` prints the complete layout (text.ts).
 */
import type { ChannelRecord, InspectionResult, PartRecord } from "../../core/model.js";
import { escapeControl } from "./escape.js";
import { summarizeFindings } from "./finding-summary.js";
import { formatAttributeValue } from "./format-value.js";
import { groupDigits } from "./group-digits.js";
import { humanBytes } from "./human.js";
import { formatFinding } from "./text.js";

const esc = escapeControl;

/** Channels grouped by layer: `R, G, B, A; diffuse.{R,G,B}; Z (float)`; types and sampling noted when unusual. */
export function channelSummary(channels: ChannelRecord[]): string {
  const common = mostCommon(channels.map((c) => c.type));
  const groups = new Map<string, ChannelRecord[]>();
  for (const c of channels) {
    const note = `${c.type === common ? "" : ` (${c.type})`}${c.x_sampling !== 1 || c.y_sampling !== 1 ? ` (sampling ${c.x_sampling}x${c.y_sampling})` : ""}`;
    const key = `${c.layer_name ?? ""}\u0000${note}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const parts: string[] = [];
  for (const [key, members] of groups) {
    const [layer, note] = key.split("\u0000") as [string, string];
    const names = members.map((c) => esc(c.component_name));
    if (layer === "") parts.push(`${names.join(", ")}${note}`);
    else if (members.length === 1) parts.push(`${esc(members[0]!.name)}${note}`);
    else parts.push(`${esc(layer)}.{${names.join(",")}}${note}`);
  }
  return `${channels.length} channel${channels.length === 1 ? "" : "s"}${common ? `, ${common}` : ""}: ${parts.join("; ")}`;
}

function mostCommon(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = v;
  return best;
}

function partLine(p: PartRecord): string {
  const facts = [
    p.type ?? "unknown type",
    p.compression ?? "?",
    p.width !== null && p.height !== null ? `${p.width} x ${p.height}` : null,
    p.tiling ? `tiles ${p.tiling.x_size} x ${p.tiling.y_size} ${p.tiling.level_mode}` : null,
    p.chunk_count !== null
      ? `${p.chunk_count} chunks${p.chunks_present !== null && p.chunks_present !== p.chunk_count ? ` (${p.chunks_present} present)` : ""}`
      : null,
  ].filter(Boolean);
  const name = p.part_name !== null ? ` ${esc(JSON.stringify(p.part_name))}` : "";
  return `part ${p.part_index}${name}: ${facts.join(", ")}`;
}

/** Longer values (ID manifests, embedded scripts) are cut; --verbose and JSON print them whole. */
const LONG_VALUE = 160;

function shortenValue(value: string): string {
  if (value.length <= LONG_VALUE || value.includes("\n")) return value;
  return `${value.slice(0, LONG_VALUE - 40)}… (${groupDigits(value.length)} characters; --verbose prints all)`;
}

/** Attributes summarized elsewhere in the compact view. */
const SUMMARIZED = new Set(["channels"]);

export function formatInspectionCompact(r: InspectionResult): string {
  const f = r.file;
  const lines: string[] = [];
  const when = f.mtime ? `, modified ${f.mtime.slice(0, 19).replace("T", " ")} UTC` : "";
  const frame = f.frame_number !== null ? `, frame ${f.frame_number}` : "";
  lines.push(
    `file ${esc(f.path)}: ${humanBytes(f.size_bytes)}, ${f.is_complete ? "complete" : "INCOMPLETE"}${frame}${when}`,
  );
  for (const p of r.parts) {
    lines.push(partLine(p));
    const channels = r.channels.filter((c) => c.part_index === p.part_index);
    if (channels.length > 0) lines.push(`  ${channelSummary(channels)}`);
    for (const a of p.attributes) {
      if (SUMMARIZED.has(a.name) && channels.length > 0) continue;
      const value = shortenValue(formatAttributeValue(a, "      "));
      lines.push(`  ${esc(a.name)}:${value.startsWith("\n") ? "" : " "}${value}`);
    }
  }
  const findings = summarizeFindings(r, formatFinding);
  lines.push(`validation: ${r.validation.status}`);
  for (const line of findings) lines.push(`  ${line.text}`);
  return `${lines.join("\n")}\n`;
}
