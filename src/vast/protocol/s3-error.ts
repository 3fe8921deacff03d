/** S3-style XML error bodies: `<Error><Code>…</Code><Message>…</Message></Error>`. */

export interface S3Error {
  code: string;
  message: string;
  resource?: string;
  requestId?: string;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function unescapeXml(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

export function encodeS3Error(e: S3Error): string {
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message>`;
  if (e.resource !== undefined) xml += `<Resource>${escapeXml(e.resource)}</Resource>`;
  if (e.requestId !== undefined) xml += `<RequestId>${escapeXml(e.requestId)}</RequestId>`;
  return `${xml}</Error>`;
}

/** Returns null when the body is not an S3 error document. */
export function decodeS3Error(body: string): S3Error | null {
  const root = /<Error>([\s\S]*)<\/Error>/.exec(body);
  if (!root) return null;
  const inner = root[1]!;
  const tag = (name: string): string | undefined => {
    const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(inner);
    return m ? unescapeXml(m[1]!) : undefined;
  };
  const out: S3Error = { code: tag("Code") ?? "", message: tag("Message") ?? "" };
  const resource = tag("Resource");
  if (resource !== undefined) out.resource = resource;
  const requestId = tag("RequestId");
  if (requestId !== undefined) out.requestId = requestId;
  return out;
}
