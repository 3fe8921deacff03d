/**
 * A ListObjectsV2 answer (`<ListBucketResult>`) read with a few string scans instead of a general XML parser:
 * the document's shape is fixed, and at a thousand keys a page the SDK's parser cost more CPU per key than
 * inspecting the object (docs/BENCHMARKS.md, "Objects over S3").
 */

export interface ListedObject {
  key: string;
  size: number;
  etag: string | null;
  lastModified: Date | null;
}

export interface ListPage {
  objects: ListedObject[];
  /** Set when more keys follow (IsTruncated), the token that asks for them. */
  nextToken: string | undefined;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character data: the five named entities and numeric character references. */
export function decodeXmlText(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return ENTITIES[ref] ?? whole;
    const code = ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The text of the first `<name>…</name>` in xml[from, to), decoded; null when absent. */
function element(xml: string, name: string, from: number, to: number): string | null {
  const open = xml.indexOf(`<${name}>`, from);
  if (open < 0 || open >= to) return null;
  const start = open + name.length + 2;
  const end = xml.indexOf(`</${name}>`, start);
  if (end < 0 || end > to) return null;
  return decodeXmlText(xml.slice(start, end));
}

export function parseListPage(xml: string): ListPage {
  const root = xml.indexOf("<ListBucketResult");
  if (root < 0) throw new Error("not a ListObjectsV2 answer (no ListBucketResult)");
  const objects: ListedObject[] = [];
  let at = root;
  for (;;) {
    const open = xml.indexOf("<Contents>", at);
    if (open < 0) break;
    const close = xml.indexOf("</Contents>", open);
    if (close < 0) throw new Error("truncated ListObjectsV2 answer");
    const key = element(xml, "Key", open, close);
    if (key !== null) {
      const size = element(xml, "Size", open, close);
      const modified = element(xml, "LastModified", open, close);
      objects.push({
        key,
        size: Number(size), // Number(null) is 0
        etag: element(xml, "ETag", open, close),
        lastModified: modified === null ? null : new Date(modified),
      });
    }
    at = close + 11;
  }
  // Tag names only occur as markup (a `<` in a key is escaped), so these are found wherever the server puts them.
  const scalar = (name: string) => element(xml, name, root, xml.length);
  const truncated = scalar("IsTruncated") === "true";
  const token = scalar("NextContinuationToken");
  return { objects, nextToken: truncated && token ? token : undefined };
}
