import { readdirSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv";
import type { Parsed, PolicyProblem } from "./document.js";
import type { Policy } from "./model.js";
import { type ParsedPolicy, parsePolicyText } from "./parse.js";
import { resolvePolicy } from "./resolve.js";

/** Built-in presets (`policies/NAME.yaml` at the package root, beside `schema/`). */
const PRESETS_DIR = fileURLToPath(new URL("../../policies/", import.meta.url));
const SCHEMA_FILE = fileURLToPath(new URL("../../schema/policy.schema.json", import.meta.url));
/** A policy is a small text file; anything larger is refused before it is read. */
const MAX_POLICY_BYTES = 1 << 20;
const MAX_EXTENDS_DEPTH = 16;

export function presetNames(): string[] {
  return readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A preset name is a bare word; anything with a path separator or a policy file extension is a file. */
export function isPresetName(ref: string): boolean {
  return !/[/\\]/.test(ref) && !/\.(ya?ml|json)$/i.test(ref);
}

let validator: ValidateFunction | null = null;

async function schemaValidator(): Promise<ValidateFunction> {
  if (validator) return validator;
  // ajv is CommonJS; its 2020-12 build is the one our schema needs.
  const { Ajv2020 } = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const ajv = new Ajv2020({ allErrors: true, strict: true, discriminator: true });
  validator = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, "utf8")));
  return validator;
}

const problem = (file: string, message: string, pointer = ""): PolicyProblem => ({
  file,
  pointer,
  line: null,
  column: null,
  message,
});

/**
 * Loads a policy by preset name or file path, follows `extends` (preset names or paths relative to the extending
 * file) and resolves it. Every problem comes back as a value with its file, JSON pointer and line.
 */
export async function loadPolicy(ref: string, cwd = process.cwd()): Promise<Parsed<Policy>> {
  const validate = await schemaValidator();
  const chain: ParsedPolicy[] = [];
  const seen = new Set<string>();
  let next: { ref: string; from: string; base: string } | null = { ref, from: "--policy", base: cwd };
  while (next) {
    const file = locate(next.ref, next.base);
    if (!file.ok)
      return {
        ok: false,
        problems: [problem(next.from, file.message, next.from === "--policy" ? "" : "/extends")],
      };
    if (seen.has(file.path))
      return { ok: false, problems: [problem(next.from, `extends cycle: ${file.path} again`, "/extends")] };
    if (chain.length >= MAX_EXTENDS_DEPTH)
      return {
        ok: false,
        problems: [problem(next.from, `extends more than ${MAX_EXTENDS_DEPTH} levels deep`, "/extends")],
      };
    seen.add(file.path);
    const text = await readPolicyFile(file.path);
    if (!text.ok) return { ok: false, problems: [problem(file.path, text.message)] };
    const parsed = parsePolicyText(text.value, file.path, validate);
    if (!parsed.ok) return parsed;
    chain.push(parsed.value);
    const parent = parsed.value.document.extends;
    next = parent === undefined ? null : { ref: parent, from: file.path, base: dirname(file.path) };
  }
  return resolvePolicy(chain);
}

function locate(ref: string, base: string): { ok: true; path: string } | { ok: false; message: string } {
  if (!isPresetName(ref)) return { ok: true, path: resolvePath(base, ref) };
  const names = presetNames();
  return names.includes(ref)
    ? { ok: true, path: resolvePath(PRESETS_DIR, `${ref}.yaml`) }
    : {
        ok: false,
        message: `no built-in policy "${ref}" (built-in: ${names.join(", ")}; a file needs a path or a .yaml/.json name)`,
      };
}

async function readPolicyFile(
  path: string,
): Promise<{ ok: true; value: string } | { ok: false; message: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, message: "not a file" };
    if (info.size > MAX_POLICY_BYTES) return { ok: false, message: `larger than ${MAX_POLICY_BYTES} bytes` };
    return { ok: true, value: await readFile(path, "utf8") };
  } catch (err) {
    return {
      ok: false,
      message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    };
  }
}
