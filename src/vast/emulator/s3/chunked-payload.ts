/**
 * `Content-Encoding: aws-chunked` request bodies (the AWS SDKs send them for streamed uploads with trailing
 * checksums): `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0…\r\n[trailer: value\r\n]*\r\n`.
 */
import type { IncomingHttpHeaders } from "node:http";
import { EmulatorError } from "../errors.js";

const incomplete = (why: string) =>
  new EmulatorError(400, "IncompleteBody", `The aws-chunked request body is malformed: ${why}`);

export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const encoding = String(headers["content-encoding"] ?? "").toLowerCase();
  const sha = String(headers["x-amz-content-sha256"] ?? "");
  return encoding.split(",").some((e) => e.trim() === "aws-chunked") || sha.startsWith("STREAMING-");
}

/** The decoded payload; checks `x-amz-decoded-content-length` when present. */
export function decodeAwsChunked(body: Uint8Array, headers: IncomingHttpHeaders): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let at = 0;
  const lineEnd = (from: number) => {
    for (let i = from; i + 1 < body.length; i++) if (body[i] === 13 && body[i + 1] === 10) return i;
    throw incomplete(`no line end after byte ${from}`);
  };
  for (;;) {
    const end = lineEnd(at);
    const line = Buffer.from(body.subarray(at, end)).toString("latin1");
    const size = Number.parseInt(line.split(";")[0]!.trim(), 16);
    if (!Number.isSafeInteger(size) || size < 0) throw incomplete(`bad chunk size "${line}"`);
    at = end + 2;
    if (size === 0) break;
    if (at + size + 2 > body.length) throw incomplete("chunk runs past the body");
    chunks.push(body.subarray(at, at + size));
    total += size;
    at += size;
    if (body[at] !== 13 || body[at + 1] !== 10) throw incomplete("chunk not followed by CRLF");
    at += 2;
  }
  // Trailers (checksums, trailer signature) follow the last chunk; they are not needed to store the bytes.
  const declared = headers["x-amz-decoded-content-length"];
  if (declared !== undefined && Number(declared) !== total)
    throw incomplete(`decoded length ${total} differs from x-amz-decoded-content-length ${declared}`);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
