import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import { sampleFiles } from "../../src/core/write/sample-files.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const HEAVY = /node_modules\/(@duckdb|apache-arrow|@aws-sdk|@smithy|@aws-crypto|flatbuffers)\//;

let dir: string;
beforeAll(async () => {
  // A consumer project: node_modules/exr-inspector is this checkout (built dist/ through its `exports`).
  dir = mkdtempSync(join(tmpdir(), "exr-library-"));
  await mkdir(join(dir, "node_modules"));
  symlinkSync(repo, join(dir, "node_modules", "exr-inspector"), "dir");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every module (ES and CommonJS) a `node` process loads while importing `specifier`. */
function loadedModules(specifier: string): string[] {
  const list = join(dir, `loaded-${specifier.replace(/\W/g, "_")}.txt`);
  writeFileSync(list, "");
  const script =
    `await import(${JSON.stringify(specifier)});` +
    `const { default: m } = await import("node:module");` +
    `process.stdout.write(Object.keys(m._cache).join("\\n"));`;
  const cjs = execFileSync(
    process.execPath,
    ["--import", join(repo, "test/library/load-recorder.mjs"), "--input-type=module", "-e", script],
    { cwd: dir, env: { ...process.env, LOADED_MODULES_FILE: list }, encoding: "utf8", timeout: 30_000 },
  );
  return [...readFileSync(list, "utf8").split("\n"), ...cjs.split("\n")].filter((s) => s);
}

describe("the library entry points", () => {
  it("import('exr-inspector') loads the core and no DuckDB, Arrow or AWS module", () => {
    const loaded = loadedModules("exr-inspector");
    expect(loaded.some((u) => u.endsWith("/dist/index.js"))).toBe(true);
    expect(loaded.some((u) => u.endsWith("/dist/inspect/inspect.js"))).toBe(true);
    expect(loaded.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it("import('exr-inspector/catalog') defers the backends until one is opened", () => {
    const loaded = loadedModules("exr-inspector/catalog");
    expect(loaded.some((u) => u.endsWith("/dist/catalog/index.js"))).toBe(true);
    expect(loaded.filter((u) => HEAVY.test(u) || /\/catalog\/(duckdb|vast)\//.test(u))).toEqual([]);
  });

  it("the recorder sees heavy modules where they are used (exr-inspector/vast loads Arrow)", () => {
    expect(loadedModules("exr-inspector/vast").some((u) => /node_modules\/apache-arrow\//.test(u))).toBe(
      true,
    );
  });

  it("the README's library example runs as written", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const example = /## Use as a library\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    writeFileSync(join(dir, "example.mjs"), example ?? "");
    const files = sampleFiles();
    const good = join(dir, "good.exr");
    const bytes = files[0]?.bytes ?? new Uint8Array();
    writeFileSync(good, bytes);
    const truncated = join(dir, "truncated.exr");
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 8));
    const run = (file: string) =>
      spawnSync(process.execPath, ["example.mjs", file], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    const ok = run(good);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe("0 scanlineimage none 8x6\nvalid and complete\n");
    const bad = run(truncated);
    expect(bad.status).toBe(0);
    expect(bad.stdout).toMatch(/^0 scanlineimage none 8x6\n(EXR_\w+ ?)+\n$/);
  });

  it("exr-inspector/core bundles for the browser without node: imports and runs in Chromium", async () => {
    const { build } = await import("esbuild");
    const out = await build({
      entryPoints: [join(repo, "src/core/index.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "exrCore",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(out.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((p) => p.startsWith("node:") || !p.startsWith("src/"))).toEqual([]);
    const bundle = out.outputFiles[0]?.text ?? "";
    expect(bundle).not.toMatch(/\brequire\(|process\.|Buffer\./);

    const sample = sampleFiles()[1];
    if (!sample) throw new Error("no sample file");
    const expected = JSON.stringify(inspectBytes(sample.bytes, { path: sample.name }));
    const page = join(dir, "core.html");
    writeFileSync(
      page,
      `<html><body><script>${bundle}</script><script>
const bytes = Uint8Array.from(atob("${Buffer.from(sample.bytes).toString("base64")}"), (c) => c.charCodeAt(0));
document.body.textContent = JSON.stringify(exrCore.inspectBytes(bytes, { path: ${JSON.stringify(sample.name)} }));
</script></body></html>`,
    );
    const chromium = spawnSync(
      "chromium",
      ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", `file://${page}`],
      { encoding: "utf8", timeout: 60_000 },
    );
    if (chromium.error && (chromium.error as NodeJS.ErrnoException).code === "ENOENT") {
      console.warn("skipping the in-browser run: chromium is not installed");
      return;
    }
    const body = /<body>([\s\S]*)<\/body>/.exec(chromium.stdout)?.[1] ?? chromium.stdout;
    const text = body
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    expect(text).toBe(expected);
  });
});
