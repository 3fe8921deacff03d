import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ReportData } from "./page/page-data.js";

const require = createRequire(import.meta.url);

/** Chart.js's self-contained UMD build (defines `window.Chart`), inlined so the page needs no network. */
function chartJsSource(): string {
  // The package exports only its module builds; the UMD file sits next to the CommonJS one.
  const umd = path.join(path.dirname(require.resolve("chart.js")), "chart.umd.min.js");
  return readFileSync(umd, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
}

/** The compiled page script (src/report/page/app.ts, built next to this module by `npm run build`). */
function pageScript(): string {
  const compiled = fileURLToPath(new URL("./page/app.js", import.meta.url));
  return readFileSync(compiled, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
}

/** `</script` and `<!--` cannot end or confuse the script element that carries them. */
function scriptSafe(text: string): string {
  return text.replace(/<(\/script|!--)/gi, "\\u003c$1");
}

const STYLE = `
:root { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; background: #f5f6f8; }
body { margin: 0; padding: 0 24px 48px; }
header { position: sticky; top: 0; background: #f5f6f8; padding: 12px 0 8px; z-index: 1; border-bottom: 1px solid #dde1e7; }
h1 { margin: 0; font-size: 20px; } h2 { margin: 28px 0 10px; font-size: 17px; } h3 { font-size: 14px; margin: 18px 0 6px; }
nav a { margin-right: 14px; color: #2f5d9e; text-decoration: none; }
.note { color: #6b7280; font-size: 12px; }
#summary { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 16px; }
.card { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 10px 14px; min-width: 120px; }
.card .value { font-size: 20px; font-weight: 600; } .card.warn .value { color: #c0392b; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceef2; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sequences td.tl { width: 45%; } .timeline { width: 100%; height: 14px; display: block; }
.pattern { font-family: ui-monospace, monospace; } .dir, .path { font-family: ui-monospace, monospace; font-size: 11px; color: #6b7280; word-break: break-all; }
.path.big { font-size: 13px; color: #1d2330; }
tr.problem td.problems { color: #c0392b; } tr.clean td.problems { color: #3a9d5d; }
.legend span { margin-right: 14px; font-size: 12px; } .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
tr.rule { cursor: pointer; } tr.rule.failing td { font-weight: 600; } tr.rule:hover { background: #f3f6fb; }
tr.rule.sev-error.failing td:nth-child(3) { color: #c0392b; } tr.rule.sev-warning.failing td:nth-child(3) { color: #b7791f; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.chart { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin: 0; padding: 10px; }
.chart .box { position: relative; height: 260px; } .chart.wide { height: 320px; position: relative; }
figcaption { font-weight: 600; margin-bottom: 6px; }
#detail { overflow-x: auto; background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 4px 16px 16px; margin-top: 24px; }
table.kv th { width: 160px; } table.grid td { font-size: 12px; word-break: break-word; }
a.file-link { color: #2f5d9e; font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
`;

/** One self-contained HTML document: style, data, Chart.js and the page script inline; nothing is fetched. */
export function renderReportHtml(data: ReportData): string {
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${data.title.replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</title>
<style>${STYLE}</style>
</head>
<body>
<div id="app"></div>
<script id="report-data" type="application/json">${json}</script>
<script>${scriptSafe(chartJsSource())}</script>
<script type="module">${scriptSafe(pageScript())}</script>
</body>
</html>
`;
}
