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

/** The policy the catalog's files are judged against (`scan --policy`): the generated renders break some rules. */
const POLICY = "vfx-plate-delivery";

let dir: string;
let db: string;
let html: string;
/** The report of the same catalog before any policy was checked. */
let plainHtml: string;
let tree: GeneratedTree;
/** Per rule of POLICY, the files `validate --policy` (no catalog involved) finds breaking it. */
const failingFiles = new Map<string, string[]>();
let validatedFiles = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-html-report-"));
  db = path.join(dir, "catalog.duckdb");
  html = path.join(dir, "report.html");
  plainHtml = path.join(dir, "plain.html");
  tree = await generateRenderTree({
    root: path.join(dir, "tree"),
    sequences: 6,
    frames: 12,
    seed: 9,
    defects: { gaps: 2, duplicates: 1, incomplete: 1, odd: 1 },
  });
  const scan = await runCli(["scan", "--db", db, "--no-progress", tree.root]);
  if (scan.code !== 0) throw new Error(scan.stderr);
  const plain = await runCli(["report", "--db", db, "--html", plainHtml]);
  if (plain.code !== 0) throw new Error(plain.stderr);
  const judged = await runCli(["scan", "--db", db, "--no-progress", "--policy", POLICY, tree.root]);
  if (judged.code !== 0) throw new Error(judged.stderr);
  const report = await runCli(["report", "--db", db, "--html", html]);
  if (report.code !== 0) throw new Error(report.stderr);
  const validated = await runCli(["validate", "--policy", POLICY, "--format", "ndjson", tree.root]);
  for (const line of validated.stdout.trim().split("\n")) {
    const file = JSON.parse(line) as { path: string; findings: { code: string; rule_id?: string }[] };
    validatedFiles++;
    const broken = new Set(
      file.findings.filter((f) => f.code === "EXR_POLICY_VIOLATION").map((f) => f.rule_id ?? ""),
    );
    for (const rule of broken) failingFiles.set(rule, [...(failingFiles.get(rule) ?? []), file.path]);
  }
}, 240_000);

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
        "chart-policy",
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

  it("lists the policy's rules with the counts `validate --policy` finds on the same files", async () => {
    expect(await page.locator("#no-policy").count()).toBe(0);
    expect(await page.locator("#chart-policy").count()).toBe(1);
    const drawn = await page.$eval(
      "#chart-policy",
      (c) =>
        (globalThis as unknown as { Chart: { getChart(c: unknown): unknown } }).Chart.getChart(c) !==
        undefined,
    );
    expect(drawn).toBe(true);
    const shown = await page.$$eval("tr.rule", (trs) =>
      trs.map((tr) => {
        const cells = [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "");
        return { policy: cells[0], rule: cells[1], files: cells[3], passed: cells[4], failed: cells[5] };
      }),
    );
    const { loadPolicy } = await import("../../src/policy/load.js");
    const loaded = await loadPolicy(POLICY);
    if (!loaded.ok) throw new Error("the preset loads");
    expect(shown.map((r) => r.rule).sort()).toEqual(loaded.value.rules.map((r) => r.id).sort());
    expect(failingFiles.size).toBeGreaterThan(1);
    for (const r of shown) {
      expect(r.policy).toBe(POLICY);
      expect(r.files, r.rule).toBe(String(validatedFiles));
      expect(r.failed, r.rule).toBe(String(failingFiles.get(r.rule!)?.length ?? 0));
    }
  });

  it("drills down from a rule to exactly its failing files, and from one of them to its verdicts", async () => {
    // A rule some files break and others pass, and one every file breaks (more than the page lists).
    const partial = [...failingFiles].find(([, files]) => files.length < validatedFiles);
    const everywhere = [...failingFiles].find(([, files]) => files.length > 50);
    expect(partial, "the generated renders pass some rule another file breaks").toBeDefined();
    expect(everywhere, "the generated renders all break some rule").toBeDefined();
    const open = async (rule: string) => {
      const row = page.locator(`tr.rule[data-rule="${POLICY}/${rule}"]`);
      const drill = row.locator("xpath=following-sibling::tr[1]");
      expect(await drill.isVisible()).toBe(false);
      await row.click();
      await drill.waitFor({ state: "visible" });
      return drill;
    };
    const [rule, files] = partial!;
    const drill = await open(rule);
    const links = drill.locator("a.file-link");
    expect(await links.allTextContents()).toEqual([...files].sort());
    expect(await drill.locator("p.note").count()).toBe(0);

    const [bigRule, bigFiles] = everywhere!;
    const bigDrill = await open(bigRule);
    expect(await bigDrill.locator("a.file-link").allTextContents()).toEqual(
      [...bigFiles].sort().slice(0, 50),
    );
    expect(await bigDrill.locator("p.note").textContent()).toBe(`… and ${bigFiles.length - 50} more files`);

    await links.first().click();
    await page.locator("#detail").waitFor({ state: "visible" });
    expect(await page.locator("#detail .path.big").textContent()).toBe([...files].sort()[0]);
    const verdictTable = page
      .locator("#detail h3", { hasText: "Policy verdicts" })
      .locator("xpath=following-sibling::table[1]");
    const verdicts = await verdictTable.locator("tr").evaluateAll((trs) => {
      const text = (row: unknown, tag: string) =>
        [
          ...(
            row as { querySelectorAll(s: string): Iterable<{ textContent: string | null }> }
          ).querySelectorAll(tag),
        ].map((c) => c.textContent ?? "");
      const head = text(trs[0], "th");
      return trs.slice(1).map((tr) => {
        const cells = text(tr, "td");
        return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
      });
    });
    expect(verdicts.find((v) => v.rule_id === rule)).toMatchObject({ policy_id: POLICY, outcome: "fail" });
    expect(verdicts.length).toBeGreaterThan(1);
    await page.locator("#policies").scrollIntoViewIfNeeded();
    // Clicking through raised nothing either.
    expect(problems).toEqual([]);
  });

  it("says so when the catalog holds no policy results", async () => {
    const plain = await page.context().newPage();
    try {
      await plain.goto(`file://${plainHtml}`);
      await plain.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
      expect(await plain.locator("#no-policy").textContent()).toContain("No policy results");
    } finally {
      await plain.close();
    }
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
