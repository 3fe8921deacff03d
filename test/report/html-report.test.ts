import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeneratedTree, generateRenderTree } from "../../src/generate/render-tree.js";
import { REPO, runCli, sqlJson } from "../catalog/run-cli.js";
import { chromiumMissing, launchChromium } from "./browser.js";

/** The screenshot is kept here for CI to upload and for people to look at. */
const ARTIFACTS = path.join(REPO, "test-artifacts");

let dir: string;
let db: string;
let html: string;
let tree: GeneratedTree;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-html-report-"));
  db = path.join(dir, "catalog.duckdb");
  html = path.join(dir, "report.html");
  tree = await generateRenderTree({
    root: path.join(dir, "tree"),
    sequences: 6,
    frames: 12,
    seed: 9,
    defects: { gaps: 2, duplicates: 1, incomplete: 1, odd: 1 },
  });
  const scan = await runCli(["scan", "--db", db, "--no-progress", tree.root]);
  if (scan.code !== 0) throw new Error(scan.stderr);
  const report = await runCli(["report", "--db", db, "--html", html]);
  if (report.code !== 0) throw new Error(report.stderr);
}, 180_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("report --html", () => {
  it("writes one self-contained file: no external URL, data and Chart.js inline", () => {
    const text = readFileSync(html, "utf8");
    expect(text).toMatch(/^<!doctype html>/);
    expect(text).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(text).toContain("default-src 'none'");
    expect(text).toContain('id="report-data"');
    expect(text.length).toBeLessThan(1_000_000);
  });

  it("--open hands the file to $BROWSER", async () => {
    const seen = path.join(dir, "opened.txt");
    const browser = path.join(dir, "fake-browser.sh");
    writeFileSync(browser, `#!/bin/sh\necho "$1" > ${JSON.stringify(seen)}\n`, { mode: 0o755 });
    const out = path.join(dir, "opened.html");
    const r = await runCli(["report", "--db", db, "--html", out, "--open"], { BROWSER: browser });
    expect(r.code, r.stderr).toBe(0);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        expect(readFileSync(seen, "utf8").trim()).toBe(out);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(readFileSync(seen, "utf8").trim()).toBe(out);
  });
});

describe.skipIf(chromiumMissing !== null)("report --html in headless chromium", () => {
  if (chromiumMissing) console.log(`skipping the browser tests: ${chromiumMissing}`);
  let close: () => Promise<void>;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const browser = await launchChromium();
    close = browser.close;
    page = await browser.context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${html}`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await close?.();
  });

  it("renders without console errors and fetches nothing but itself", () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${html}`]);
  });

  it("draws every chart with Chart.js", async () => {
    const charts = await page.$$eval("canvas", (canvases) =>
      canvases.map((c) => {
        const chartJs = (globalThis as unknown as { Chart: { getChart(c: unknown): unknown } }).Chart;
        return {
          id: c.id,
          drawn: chartJs.getChart(c) !== undefined,
          width: (c as unknown as { width: number }).width,
        };
      }),
    );
    expect(charts.map((c) => c.id).sort()).toEqual(
      [
        "chart-channel-sets",
        "chart-compression",
        "chart-inspected",
        "chart-resolutions",
        "chart-sizes",
      ].sort(),
    );
    for (const c of charts) {
      expect(c.drawn, c.id).toBe(true);
      expect(c.width, c.id).toBeGreaterThan(100);
    }
  });

  it("shows each sequence's timeline with exactly its missing, incomplete and odd frames", async () => {
    const rows = await page.$$eval("table.sequences tr.problem", (trs) =>
      trs.map((tr) => ({
        pattern: tr.querySelector(".pattern")?.textContent,
        directory: tr.querySelector(".dir")?.textContent,
        marks: [...tr.querySelectorAll("rect")].map((r) => ({
          status: r.getAttribute("data-status"),
          label: r.querySelector("title")?.textContent,
        })),
      })),
    );
    expect(rows).toHaveLength(tree.sequences.length);
    for (const seq of tree.sequences) {
      const row = rows.find((r) => r.directory === path.join(tree.root, seq.dir));
      expect(row, seq.dir).toBeDefined();
      const d = seq.defects!;
      const labels = (status: string) =>
        row!.marks.filter((m) => m.status === status).map((m) => (m.label ?? "").split(" ")[0]);
      expect(labels("present")).toEqual(["1001-1012"]);
      const runs: string[] = [];
      for (const f of d.missing) {
        const last = runs[runs.length - 1];
        const end = last ? Number(last.split("-").pop()) : Number.NaN;
        if (last && end === f - 1) runs[runs.length - 1] = `${last.split("-")[0]}-${f}`;
        else runs.push(String(f));
      }
      expect(labels("missing")).toEqual(runs);
      expect(labels("incomplete")).toEqual(d.incomplete.map(String));
      expect(labels("odd")).toEqual(d.odd.map(String));
    }
  });

  it("drills down from a file needing attention to every attribute of it", async () => {
    const link = page.locator("#files a.file-link").first();
    const filePath = (await link.textContent()) ?? "";
    const id = (await link.getAttribute("data-file")) ?? "";
    expect(await page.locator("#detail").isVisible()).toBe(false);
    await link.click();
    await page.locator("#detail").waitFor({ state: "visible" });
    expect(await page.locator("#detail .path.big").textContent()).toBe(filePath);
    const [stored] = await sqlJson(
      db,
      `SELECT count(*) AS n FROM exr_metadata.attributes WHERE file_id = '${id}'`,
    );
    const heading = await page.locator("#detail h3", { hasText: "Attributes" }).textContent();
    expect(heading).toBe(`Attributes (${Number(stored?.n)})`);
    expect(Number(stored?.n)).toBeGreaterThan(5);
    expect(await page.locator("#detail").textContent()).toContain("EXR_");
  });

  it("says so when the catalog holds no policy results", async () => {
    expect(await page.locator("#no-policy").textContent()).toContain("No policy results");
  });

  it("keeps a full-page screenshot as a test artefact", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, "report.png");
    await page.locator("#summary").scrollIntoViewIfNeeded();
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(20_000);
  });
});
