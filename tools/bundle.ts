/**
 * The last step of `npm run build`: the CLI and its pool workers as single CommonJS scripts in dist/bundle/, each
 * with a V8 code cache beside it (dist/cli/run-bundle.cjs runs them; dist/cli/launch.cjs, the package's bin, starts
 * the CLI's). Bundled from the compiled modules in dist/, so the code is the code `tsc` emitted.
 *
 * - Packages stay outside the bundle (loaded with `require`, as CommonJS), except the ES-module-only ones, which
 *   `require` cannot load in Node 20 and which are plain JavaScript.
 * - Every module's `import.meta.url` becomes its own compiled file's URL (dist/<path>.js, found from the bundle's
 *   place), so the files it locates (policies, schema, worker modules, the report page) are found as before.
 * - The cache holds the bytecode of every function (compiled eagerly here), headed by the SHA-256 of its bundle.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { build, type Plugin } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..", "..");
const DIST = join(ROOT, "dist");
const OUT = join(DIST, "bundle");
/** Packages that ship only ES modules: bundled (require cannot load them). */
const ESM_ONLY = new Set(["hyparquet", "hyparquet-writer"]);

/** Bundle name → the compiled module it is built from. Workers keep their module's name (see worker-entry.ts). */
const ENTRIES: Record<string, string> = {
  cli: "cli/main.js",
  "render-worker": "cli/output/render-worker.js",
  "pixel-worker": "cli/output/pixel-worker.js",
  "scan-worker": "scan/scan-worker.js",
};

/** Replaces each dist module's `import.meta.url` by its own file's URL, computed from the bundle's directory. */
const moduleUrls: Plugin = {
  name: "module-urls",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(`${DIST}/`)) return undefined;
      const source = readFileSync(args.path, "utf8");
      const fromDist = relative(DIST, args.path).split("\\").join("/");
      const contents = source.replaceAll("import.meta.url", `__exrModuleUrl(${JSON.stringify(fromDist)})`);
      if (contents.includes("import.meta")) throw new Error(`${args.path}: import.meta other than .url`);
      return { contents, loader: "js" };
    });
  },
};

function dependencies(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  return Object.keys(pkg.dependencies).filter((name) => !ESM_ONLY.has(name));
}

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(OUT, name === "cli" ? "cli.cjs" : `${name}.bundle.cjs`);
  const external = dependencies().flatMap((d) => [d, `${d}/*`]);
  const result = await build({
    entryPoints: [join(DIST, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    charset: "ascii",
    external,
    plugins: [moduleUrls],
    inject: [join(ROOT, "tools/module-url.ts")],
    logLevel: "silent",
  });
  if (result.warnings.length > 0 || result.errors.length > 0)
    throw new Error(`${entry}: ${[...result.errors, ...result.warnings].map((m) => m.text).join("; ")}`);
  // The bundle runs inside CommonJS's function wrapper, where a #! line is not allowed: keep the line, as a comment.
  const text = readFileSync(outfile, "utf8").replace(/^#!/, "//");
  if (!/^(\/\/[^\n]*\n)?"use strict";/.test(text))
    throw new Error(`${outfile}: does not start in strict mode`);
  writeFileSync(outfile, text);
  return outfile;
}

/** What dist/cli/run-bundle.cjs exports (src/cli/run-bundle.cts), as used here. */
interface BundleRunner {
  cacheFileOf(bundle: string): string;
  bundleHash(source: Buffer): Buffer;
  compileBundle(bundle: string, withCache: boolean): { script: import("node:vm").Script; source: Buffer };
}

/**
 * Compiles every bundle eagerly (V8's --no-lazy) and writes its cache. V8 rejects a cache made under other flags,
 * and --no-lazy is one: it is switched back before the cache is serialised, so the cache matches a plain `node`.
 */
function writeCaches(bundles: string[]): void {
  const runner = createRequire(import.meta.url)(join(DIST, "cli/run-bundle.cjs")) as BundleRunner;
  for (const file of bundles) {
    setFlagsFromString("--no-lazy");
    const { script, source } = runner.compileBundle(file, false);
    setFlagsFromString("--lazy");
    writeFileSync(
      runner.cacheFileOf(file),
      Buffer.concat([runner.bundleHash(source), script.createCachedData()]),
    );
  }
}

/** A worker's start script: runs its bundle with the cache. */
function writeWorkerStart(name: string): void {
  writeFileSync(
    join(OUT, `${name}.cjs`),
    `"use strict";\nrequire("../cli/run-bundle.cjs").runBundle(require("node:path").join(__dirname, ${JSON.stringify(`${name}.bundle.cjs`)}));\n`,
  );
}

async function main(): Promise<void> {
  if (!existsSync(join(DIST, "cli/main.js")))
    throw new Error("dist/ is not built (tsc -p tsconfig.build.json)");
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const bundles: string[] = [];
  for (const [name, entry] of Object.entries(ENTRIES)) {
    bundles.push(await bundle(name, entry));
    if (name !== "cli") writeWorkerStart(name);
  }
  writeCaches(bundles);
  process.stdout.write(
    `bundled ${bundles.map((b) => relative(ROOT, b)).join(", ")} (${dirname(relative(ROOT, bundles[0]!))})\n`,
  );
}

await main();
