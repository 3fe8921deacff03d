import type { PixelReport } from "../../inspect/pixel-report.js";
import { formatFinding } from "./text.js";

/** A file passes verify/stats when it has no error finding and is complete. */
export function pixelPasses(r: PixelReport): boolean {
  return r.status !== "error" && r.is_complete;
}

export function verifyText(r: PixelReport): string {
  const head = r.path;
  if (r.findings.length === 0) return `${head}: OK\n`;
  const incomplete = r.is_complete ? "" : " (incomplete)";
  return `${r.findings.map((f) => `${head}: ${formatFinding(f)}`).join("\n")}\n${head}: ${r.status.toUpperCase()}${incomplete}\n`;
}

export function verifyNdjson(r: PixelReport): string {
  return `${JSON.stringify({ path: r.path, status: r.status, is_complete: r.is_complete, passed: pixelPasses(r), findings: r.findings })}\n`;
}

/** The `stats` document of one file: {path, parts, findings}. */
export function statsDocument(r: PixelReport): {
  path: string;
  parts: PixelReport["parts"];
  findings: PixelReport["findings"];
} {
  return { path: r.path, parts: r.parts, findings: r.findings };
}

const num = (v: number | null) => (v === null ? "-" : Number.isInteger(v) ? String(v) : v.toPrecision(7));

export function statsText(r: PixelReport): string {
  const lines = [`${r.path}:`];
  for (const p of r.parts) {
    lines.push(
      `  part ${p.part_index}: pixel_hash ${p.pixel_hash ?? "-"}${p.monochrome === null ? "" : `, monochrome ${p.monochrome}`}`,
    );
    for (const l of p.levels) {
      lines.push(`    level (${l.level[0]}, ${l.level[1]})`);
      for (const c of l.channels)
        lines.push(
          `      ${c.name} ${c.type}: min ${num(c.min)} max ${num(c.max)} mean ${num(c.mean)} stddev ${num(c.stddev)}` +
            ` finite ${c.finite_count} nan ${c.nan_count} inf ${c.inf_count}${c.constant ? " constant" : ""}`,
        );
    }
  }
  for (const f of r.findings) lines.push(`  ${formatFinding(f)}`);
  return `${lines.join("\n")}\n`;
}
