import type { ErrorObject, ValidateFunction } from "ajv";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Parsed, PolicyDocument, PolicyProblem } from "./document.js";
import type { Check } from "./model.js";

type Segment = string | number;

/** A checked policy document, and how to report a later problem (e.g. an unknown override) at its place. */
export interface ParsedPolicy {
  file: string;
  document: PolicyDocument;
  problemAt: (pointer: string, message: string) => PolicyProblem;
}

/** Finds the line/column of a JSON pointer in the parsed YAML (JSON is YAML too). */
class SourceMap {
  constructor(
    private readonly root: unknown,
    private readonly lines: LineCounter,
  ) {}

  position(segments: readonly Segment[]): { line: number; column: number } | null {
    let node: unknown = this.root;
    let offset: number | null = rangeStart(node);
    for (const seg of segments) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) break;
        offset = rangeStart(pair.value) ?? rangeStart(pair.key);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) break;
        offset = rangeStart(item);
        node = item;
      } else break;
    }
    if (offset === null) return null;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Position of a key itself (for properties that should not be there). */
  keyPosition(segments: readonly Segment[], key: string): { line: number; column: number } | null {
    let node: unknown = this.root;
    for (const seg of segments) {
      if (isMap(node))
        node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))?.value;
      else if (isSeq(node)) node = node.items[Number(seg)];
      else return this.position(segments);
    }
    if (!isMap(node)) return this.position(segments);
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    const offset = pair ? rangeStart(pair.key) : null;
    if (offset === null) return this.position(segments);
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

function rangeStart(node: unknown): number | null {
  const range = (node as Node | null)?.range;
  return range ? range[0] : null;
}

const pointerOf = (segments: readonly Segment[]) =>
  segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

const segmentsOf = (pointer: string): Segment[] =>
  pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));

/**
 * Parses and checks one policy file's text: YAML or JSON syntax, the JSON Schema, then what a schema cannot say
 * (unique rule ids, regular expressions that compile). Pure: the caller reads the file and supplies the compiled
 * schema validator. Every problem has the file, a JSON pointer and a line/column.
 */
export function parsePolicyText(
  text: string,
  file: string,
  validate: ValidateFunction,
): Parsed<ParsedPolicy> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return {
          file,
          pointer: "",
          line,
          column: col,
          message: `not valid YAML/JSON: ${e.message.split("\n")[0]}`,
        };
      }),
    };
  }
  const map = new SourceMap(doc.contents, lines);
  const problem = (segments: Segment[], message: string, key?: string): PolicyProblem => {
    const at = key !== undefined ? map.keyPosition(segments, key) : map.position(segments);
    const pointer = pointerOf(key !== undefined ? [...segments, key] : segments);
    return { file, pointer, line: at?.line ?? null, column: at?.column ?? null, message };
  };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!validate(value)) return { ok: false, problems: schemaProblems(validate.errors ?? [], problem) };
  const policy = value as PolicyDocument;
  const problems = byPosition(semanticProblems(policy, problem));
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: { file, document: policy, problemAt: (pointer, message) => problem(segmentsOf(pointer), message) },
  };
}

type ProblemAt = (segments: Segment[], message: string, key?: string) => PolicyProblem;

/** Ajv's errors, one per place and message, in file order; a failed `oneOf` adds nothing its branches do not say. */
function schemaProblems(errors: ErrorObject[], problem: ProblemAt): PolicyProblem[] {
  const unknownKinds = new Set(
    errors.filter((e) => e.keyword === "discriminator").map((e) => `${e.instancePath}/kind`),
  );
  const out = new Map<string, PolicyProblem>();
  for (const e of errors) {
    if (e.keyword === "oneOf" || (e.keyword === "enum" && unknownKinds.has(e.instancePath))) continue;
    const segments = segmentsOf(e.instancePath);
    let p: PolicyProblem;
    if (e.keyword === "additionalProperties")
      p = problem(segments, "unknown property", String(e.params.additionalProperty));
    else if (e.keyword === "required")
      p = problem(segments, `missing required property "${e.params.missingProperty}"`);
    else if (e.keyword === "enum")
      p = problem(segments, `must be one of: ${(e.params.allowedValues as unknown[]).join(", ")}`);
    else if (e.keyword === "discriminator")
      p = problem([...segments, "kind"], `unknown check kind "${e.params.tagValue}"`);
    else p = problem(segments, e.message ?? e.keyword);
    out.set(`${p.pointer}\0${p.message}`, p);
  }
  return byPosition([...out.values()]);
}

function byPosition(problems: PolicyProblem[]): PolicyProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function semanticProblems(policy: PolicyDocument, problem: ProblemAt): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const ids = new Map<string, number>();
  (policy.rules ?? []).forEach((rule, i) => {
    const first = ids.get(rule.id);
    if (first !== undefined)
      out.push(problem(["rules", i, "id"], `duplicate rule id "${rule.id}" (also /rules/${first})`));
    else ids.set(rule.id, i);
    regexProblems(rule.check, ["rules", i, "check"], problem, out);
  });
  return out;
}

function regexProblems(check: Check, at: Segment[], problem: ProblemAt, out: PolicyProblem[]): void {
  if (check.kind === "any_of") {
    check.checks.forEach((c, i) => {
      regexProblems(c, [...at, "checks", i], problem, out);
    });
    return;
  }
  if ("pattern" in check && typeof check.pattern === "string") {
    try {
      new RegExp(check.pattern, "u");
    } catch (err) {
      out.push(problem([...at, "pattern"], `invalid regular expression: ${(err as Error).message}`));
    }
  }
}
