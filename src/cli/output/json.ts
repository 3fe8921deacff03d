/**
 * `--format json`: one pretty document when the run has exactly one file, else a pretty JSON array of
 * documents (in input order). Streams: it holds back only the first document until it knows which case
 * applies. Documents arrive as array elements (`prettyJson(result, "  ")`, rendered where inspected).
 */
export class JsonOutput {
  private first: string | null = null;
  private count = 0;

  constructor(private readonly write: (text: string) => void | Promise<void>) {}

  /** `elements`: `count` array elements joined with `,\n  ` (a batch rendered elsewhere; see separatorOf). */
  async add(elements: string, count = 1): Promise<void> {
    if (count <= 0) return;
    const before = this.count;
    this.count += count;
    if (before === 0) {
      if (count === 1) this.first = elements;
      else await this.write(`[\n  ${elements}`);
      return;
    }
    if (before === 1) {
      await this.write(`[\n  ${this.first!}`);
      this.first = null;
    }
    await this.write(`,\n  ${elements}`);
  }

  async end(): Promise<void> {
    if (this.count === 0) await this.write("[]\n");
    else if (this.count === 1) await this.write(`${unindent(this.first!)}\n`);
    else await this.write("\n]\n");
  }
}

/**
 * An array element back to a stand-alone document: prettyJson's nesting only ever adds the indent after
 * a line break, and JSON strings hold no raw line breaks, so removing it after each one is exact.
 */
const unindent = (element: string) => element.replaceAll("\n  ", "\n");

/**
 * JSON.stringify(v, null, 2), except that arrays holding only scalars stay on one line
 * (`"min": [0, 0]`, matrices, sample lists): the same document, far fewer lines.
 */
export function prettyJson(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object"))
      return `[${value.map((v) => JSON.stringify(v) ?? "null").join(", ")}]`;
    return `[\n${value.map((v) => `${inner}${prettyJson(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(",\n")}\n${indent}}`;
}
