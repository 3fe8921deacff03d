/**
 * The report page's script (runs in the browser, inlined into the HTML with the data and Chart.js; no network).
 * Everything is built with DOM calls and textContent, so catalogued strings are never parsed as HTML.
 */
import type { ChartConfiguration, Chart as ChartJs } from "chart.js";
import type { FileDetail, PageSequence, ReportData, RuleFailure } from "./page-data.js";

declare const Chart: typeof ChartJs;

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

const fmt = new Intl.NumberFormat("en");
function bytes(n: number | null): string {
  if (n === null) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function ranges(frames: number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < frames.length) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === (frames[j] as number) + 1) j++;
    out.push(i === j ? String(frames[i]) : `${frames[i]}-${frames[j]}`);
    i = j + 1;
  }
  return out.join(" ");
}

const data = JSON.parse(document.getElementById("report-data")?.textContent ?? "{}") as ReportData;

// ---------- summary ----------
function summary(): HTMLElement {
  const t = data.totals;
  const failures = data.policy.rules.reduce((n, r) => n + r.failed, 0);
  const card = (label: string, value: string, warn = false) =>
    el(
      "div",
      { class: `card${warn ? " warn" : ""}` },
      el("div", { class: "value" }, value),
      el("div", {}, label),
    );
  return el(
    "section",
    { id: "summary" },
    card("files", fmt.format(t.files)),
    card("total size", bytes(t.bytes)),
    card("invalid", fmt.format(t.invalid), t.invalid > 0),
    card("incomplete", fmt.format(t.incomplete), t.incomplete > 0),
    card("sequences", fmt.format(t.sequences)),
    card("sequences with problems", fmt.format(t.sequences_with_problems), t.sequences_with_problems > 0),
    card("policy failures", data.policy.available ? fmt.format(failures) : "–", failures > 0),
  );
}

// ---------- sequences ----------
const STATUS_COLOURS = { present: "#3a9d5d", missing: "#d0d4da", incomplete: "#d64545", odd: "#e8a33d" };

function timeline(s: PageSequence): SVGElement {
  const span = s.last - s.first + 1;
  const root = svg("svg", {
    class: "timeline",
    viewBox: `0 0 ${span} 10`,
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": `frames ${s.first} to ${s.last}`,
  });
  const bar = (from: number, to: number, status: keyof typeof STATUS_COLOURS, label: string) => {
    const r = svg("rect", {
      x: from - s.first,
      y: 0,
      width: to - from + 1,
      height: 10,
      fill: STATUS_COLOURS[status],
      stroke: STATUS_COLOURS[status],
      "stroke-width": status === "present" ? 0 : 3,
      "vector-effect": "non-scaling-stroke",
      "data-status": status,
    });
    const title = svg("title", {});
    title.textContent = `${from === to ? from : `${from}-${to}`} ${label}`;
    r.append(title);
    root.append(r);
  };
  bar(s.first, s.last, "present", "present");
  for (const [a, b] of s.missing) bar(a, b, "missing", "missing");
  for (const o of s.odd) bar(o.frame, o.frame, "odd", `odd (${o.differs.join(", ")})`);
  for (const f of s.incomplete) bar(f, f, "incomplete", "incomplete");
  return root;
}

function sequences(): HTMLElement {
  const section = el("section", { id: "sequences" }, el("h2", {}, "Sequences"));
  const legend = el("div", { class: "legend" });
  for (const [k, c] of Object.entries(STATUS_COLOURS))
    legend.append(el("span", {}, el("i", { style: `background:${c}` }), k));
  section.append(legend);
  if (data.sequences.shown.length === 0) {
    section.append(el("p", {}, "No frame sequences in the catalog."));
    return section;
  }
  if (data.sequences.total > data.sequences.shown.length)
    section.append(
      el(
        "p",
        { class: "note" },
        `Showing ${fmt.format(data.sequences.shown.length)} of ${fmt.format(data.sequences.total)} sequences, ` +
          "those with problems first (exr-inspector sequences --db … lists them all).",
      ),
    );
  const table = el(
    "table",
    { class: "sequences" },
    el(
      "tr",
      {},
      el("th", {}, "sequence"),
      el("th", {}, "frames"),
      el("th", {}, "timeline"),
      el("th", {}, "problems"),
    ),
  );
  for (const s of data.sequences.shown) {
    const problems: string[] = [];
    if (s.missing_count)
      problems.push(`missing ${s.missing.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(" ")}`);
    if (s.duplicates.length) problems.push(`duplicates ${ranges(s.duplicates)}`);
    if (s.incomplete.length) problems.push(`incomplete ${ranges(s.incomplete)}`);
    if (s.odd.length)
      problems.push(`odd ${s.odd.map((o) => `${o.frame} (${o.differs.join(", ")})`).join(" ")}`);
    if (s.size_outliers.length) problems.push(`small ${ranges(s.size_outliers)}`);
    table.append(
      el(
        "tr",
        { class: problems.length ? "problem" : "clean" },
        el("td", {}, el("div", { class: "pattern" }, s.pattern), el("div", { class: "dir" }, s.directory)),
        el(
          "td",
          { class: "num" },
          `${fmt.format(s.count)}`,
          el("div", { class: "dir" }, `${s.first}-${s.last}`),
        ),
        el("td", { class: "tl" }, timeline(s)),
        el("td", { class: "problems" }, problems.join("; ") || "ok"),
      ),
    );
  }
  section.append(table);
  return section;
}

// ---------- file detail ----------
function fileLink(id: string, label: string): HTMLElement {
  if (!data.files[id]) return el("span", { class: "path" }, label);
  const a = el("a", { href: `#file-${id}`, class: "file-link", "data-file": id }, label);
  a.addEventListener("click", (e) => {
    e.preventDefault();
    showFile(id);
  });
  return a;
}

function kv(rows: [string, string][]): HTMLElement {
  return el(
    "table",
    { class: "kv" },
    ...rows.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))),
  );
}

function rowsTable(rows: Record<string, unknown>[]): HTMLElement {
  if (rows.length === 0) return el("p", { class: "note" }, "none");
  const keys = Object.keys(rows[0] as object);
  return el(
    "table",
    { class: "grid" },
    el("tr", {}, ...keys.map((k) => el("th", {}, k))),
    ...rows.map((r) => el("tr", {}, ...keys.map((k) => el("td", {}, r[k] === null ? "" : String(r[k]))))),
  );
}

function showFile(id: string): void {
  const f = data.files[id] as FileDetail;
  const panel = document.getElementById("detail") as HTMLElement;
  panel.replaceChildren(
    el("h2", {}, "File"),
    el("div", { class: "path big" }, f.file_path),
    kv([
      ["file_id", f.file_id],
      ["size", `${bytes(f.size_bytes)} (${f.size_bytes ?? "?"} bytes)`],
      ["modified", f.mtime ?? ""],
      ["last inspected", f.last_inspected ?? ""],
      ["validation", f.validation_status],
      ["complete", f.is_complete === null ? "?" : String(f.is_complete)],
      ["findings", f.error_codes.join(", ") || "none"],
      ["message", f.error_message ?? ""],
    ]),
    el("h3", {}, "Policy verdicts"),
    rowsTable(f.verdicts),
    el("h3", {}, "Parts"),
    rowsTable(f.parts),
    el("h3", {}, `Channels (${f.channels.length})`),
    rowsTable(f.channels),
    el("h3", {}, `Attributes (${f.attributes.length})`),
    rowsTable(f.attributes),
    ...(f.stats === null ? [] : [el("h3", {}, "Pixel statistics"), rowsTable(f.stats)]),
  );
  panel.hidden = false;
  panel.scrollIntoView({ block: "start" });
}

// ---------- policies ----------
function failureTable(list: RuleFailure[], failed: number): HTMLElement {
  const table = el(
    "table",
    { class: "grid failures" },
    el(
      "tr",
      {},
      el("th", {}, "file"),
      el("th", {}, "message"),
      el("th", {}, "expected"),
      el("th", {}, "actual"),
      el("th", {}, "suggested fix"),
    ),
  );
  for (const f of list)
    table.append(
      el(
        "tr",
        {},
        el("td", {}, fileLink(f.file_id, f.file_path)),
        el("td", {}, f.message ?? ""),
        el("td", {}, f.expected ?? ""),
        el("td", {}, f.actual ?? ""),
        el("td", {}, f.suggested_fix ?? ""),
      ),
    );
  const more = failed - list.length;
  return el(
    "div",
    {},
    table,
    more > 0 ? el("p", { class: "note" }, `… and ${fmt.format(more)} more files`) : null,
  );
}

function policies(charts: (() => void)[]): HTMLElement {
  const section = el("section", { id: "policies" }, el("h2", {}, "Policy results"));
  if (!data.policy.available || data.policy.rules.length === 0) {
    section.append(
      el(
        "p",
        { class: "note", id: "no-policy" },
        "No policy results in this catalog (scan with a policy to add them).",
      ),
    );
    return section;
  }
  const canvas = el("canvas", { id: "chart-policy" });
  section.append(el("div", { class: "chart wide" }, canvas));
  const rules = data.policy.rules;
  charts.push(() =>
    chart(canvas, {
      type: "bar",
      data: {
        labels: rules.map((r) => `${r.policy_id}/${r.rule_id}`),
        datasets: [
          { label: "failed", data: rules.map((r) => r.failed), backgroundColor: "#d64545" },
          { label: "passed", data: rules.map((r) => r.passed), backgroundColor: "#3a9d5d" },
          { label: "not judged", data: rules.map((r) => r.other), backgroundColor: "#b8bec7" },
        ],
      },
      options: { indexAxis: "y", scales: { x: { stacked: true }, y: { stacked: true } } },
    }),
  );
  const table = el(
    "table",
    { class: "grid rules" },
    el(
      "tr",
      {},
      el("th", {}, "policy"),
      el("th", {}, "rule"),
      el("th", {}, "severity"),
      el("th", {}, "files"),
      el("th", {}, "passed"),
      el("th", {}, "failed"),
    ),
  );
  for (const r of rules) {
    const key = `${r.policy_id}/${r.rule_id}`;
    const row = el(
      "tr",
      { class: `rule sev-${r.severity}${r.failed ? " failing" : ""}`, "data-rule": key },
      el("td", {}, r.policy_id),
      el("td", {}, r.rule_id),
      el("td", {}, r.severity),
      el("td", { class: "num" }, fmt.format(r.files)),
      el("td", { class: "num" }, fmt.format(r.passed)),
      el("td", { class: "num" }, fmt.format(r.failed)),
    );
    table.append(row);
    if (r.failed === 0) continue;
    const drill = el("tr", { class: "drill", hidden: "" }, el("td", { colspan: "6" }));
    table.append(drill);
    row.addEventListener("click", () => {
      if (!drill.firstElementChild?.hasChildNodes())
        drill.firstElementChild?.append(failureTable(data.policy.failures[key] ?? [], r.failed));
      drill.hidden = !drill.hidden;
    });
  }
  section.append(table);
  return section;
}

// ---------- distributions ----------
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
];

function chart(canvas: HTMLCanvasElement, config: ChartConfiguration): void {
  config.options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    ...config.options,
  };
  new Chart(canvas, config);
}

function distributions(charts: (() => void)[]): HTMLElement {
  const d = data.distributions;
  const section = el("section", { id: "distributions" }, el("h2", {}, "Distributions"));
  const grid = el("div", { class: "charts" });
  section.append(grid);
  const add = (id: string, title: string, config: ChartConfiguration) => {
    const canvas = el("canvas", { id });
    grid.append(
      el("figure", { class: "chart" }, el("figcaption", {}, title), el("div", { class: "box" }, canvas)),
    );
    charts.push(() => chart(canvas, config));
  };
  // Long labels (channel sets list every channel) are shortened on the axis; the tooltip shows them whole.
  const short = (label: string) => (label.length > 36 ? `${label.slice(0, 33)}…` : label);
  const bars = (pairs: [string, number][], horizontal: boolean): ChartConfiguration => ({
    type: "bar",
    data: {
      labels: pairs.map((p) => p[0]),
      datasets: [{ label: "files", data: pairs.map((p) => p[1]), backgroundColor: PALETTE[0] }],
    },
    options: {
      indexAxis: horizontal ? "y" : "x",
      plugins: { legend: { display: false } },
      scales: {
        [horizontal ? "y" : "x"]: {
          ticks: {
            callback(this: { getLabelForValue(v: number): string }, value: string | number) {
              return short(this.getLabelForValue(Number(value)));
            },
          },
        },
      },
    },
  });
  add("chart-compression", "Parts by compression", {
    type: "doughnut",
    data: {
      labels: d.compression.map((p) => p[0]),
      datasets: [{ data: d.compression.map((p) => p[1]), backgroundColor: PALETTE }],
    },
    options: { plugins: { legend: { position: "right" } } },
  });
  add("chart-channel-sets", "Channel sets (files)", bars(d.channel_sets, true));
  add("chart-resolutions", "Resolutions (first part)", bars(d.resolutions, true));
  add(
    "chart-sizes",
    "File sizes",
    bars(
      d.sizes.map(([lo, n]) => [`≥ ${bytes(lo)}`, n]),
      false,
    ),
  );
  add("chart-inspected", "Files by day last inspected", bars(d.inspected, false));
  return section;
}

// ---------- files needing attention ----------
function attention(): HTMLElement {
  const section = el("section", { id: "files" }, el("h2", {}, "Files needing attention"));
  if (data.attention.length === 0) {
    section.append(el("p", { class: "note" }, "Every catalogued file is valid and complete."));
    return section;
  }
  const table = el(
    "table",
    { class: "grid" },
    el("tr", {}, el("th", {}, "file"), el("th", {}, "status"), el("th", {}, "findings")),
  );
  for (const id of data.attention) {
    const f = data.files[id];
    if (!f) continue;
    table.append(
      el(
        "tr",
        {},
        el("td", {}, fileLink(id, f.file_path)),
        el("td", {}, `${f.validation_status}${f.is_complete ? "" : ", incomplete"}`),
        el("td", {}, f.error_codes.join(", ")),
      ),
    );
  }
  section.append(table);
  if (data.totals.needing_attention > data.attention.length)
    section.append(
      el(
        "p",
        { class: "note" },
        `First ${fmt.format(data.attention.length)} of ${fmt.format(data.totals.needing_attention)} by path.`,
      ),
    );
  return section;
}

function main(): void {
  document.title = data.title;
  const charts: (() => void)[] = [];
  const root = document.getElementById("app") as HTMLElement;
  root.append(
    el(
      "header",
      {},
      el("h1", {}, data.title),
      el("div", { class: "note" }, `generated ${data.generated_at}`),
      el(
        "nav",
        {},
        ...["summary", "sequences", "policies", "distributions", "files"].map((id) =>
          el("a", { href: `#${id}` }, id),
        ),
      ),
    ),
    summary(),
    sequences(),
    policies(charts),
    distributions(charts),
    attention(),
    el("section", { id: "detail", hidden: "" }),
  );
  for (const draw of charts) draw();
  document.body.dataset.ready = "true";
}

main();
