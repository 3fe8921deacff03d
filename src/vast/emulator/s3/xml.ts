/** The S3 API's XML: response documents written here, request documents read with fast-xml-parser. */
import { XMLParser } from "fast-xml-parser";
import { EmulatorError } from "../errors.js";
import type { StoredObject } from "./object-store.js";

const NS = "http://s3.amazonaws.com/doc/2006-03-01/";
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const el = (name: string, value: string | number | boolean) =>
  `<${name}>${escapeXml(String(value))}</${name}>`;

/** `encoding-type=url`: names are percent-encoded in the answer (clients decode them). */
export type NameEncoder = (name: string) => string;

export const plainNames: NameEncoder = (s) => s;
export const urlEncodedNames: NameEncoder = (s) =>
  encodeURIComponent(s)
    .replace(/%2F/g, "/")
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

export const iso = (d: Date) => d.toISOString();

export function listBucketsXml(buckets: { name: string; created: Date }[]): string {
  const items = buckets
    .map((b) => `<Bucket>${el("Name", b.name)}${el("CreationDate", iso(b.created))}</Bucket>`)
    .join("");
  return `${HEAD}<ListAllMyBucketsResult xmlns="${NS}"><Owner>${el("ID", "emulator")}${el("DisplayName", "emulator")}</Owner><Buckets>${items}</Buckets></ListAllMyBucketsResult>`;
}

function contentsXml(o: StoredObject, encode: NameEncoder): string {
  return `<Contents>${el("Key", encode(o.key))}${el("LastModified", iso(o.lastModified))}${el("ETag", o.etag)}${el("Size", o.size)}${el("StorageClass", "STANDARD")}</Contents>`;
}

export interface ListingXml {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  truncated: boolean;
  contents: StoredObject[];
  commonPrefixes: string[];
  encode: NameEncoder;
  encodingType: string | null;
}

export function listObjectsV2Xml(
  l: ListingXml & { continuationToken: string | null; next: string | null; startAfter: string | null },
): string {
  let xml = `${HEAD}<ListBucketResult xmlns="${NS}">${el("Name", l.bucket)}${el("Prefix", l.encode(l.prefix))}`;
  if (l.startAfter !== null) xml += el("StartAfter", l.encode(l.startAfter));
  if (l.continuationToken !== null) xml += el("ContinuationToken", l.continuationToken);
  if (l.next !== null) xml += el("NextContinuationToken", l.next);
  xml += `${el("KeyCount", l.contents.length + l.commonPrefixes.length)}${el("MaxKeys", l.maxKeys)}`;
  if (l.delimiter) xml += el("Delimiter", l.encode(l.delimiter));
  if (l.encodingType) xml += el("EncodingType", l.encodingType);
  xml += el("IsTruncated", l.truncated);
  return `${xml}${listItems(l)}</ListBucketResult>`;
}

export function listObjectsV1Xml(l: ListingXml & { marker: string; nextMarker: string | null }): string {
  let xml = `${HEAD}<ListBucketResult xmlns="${NS}">${el("Name", l.bucket)}${el("Prefix", l.encode(l.prefix))}${el("Marker", l.encode(l.marker))}`;
  if (l.nextMarker !== null) xml += el("NextMarker", l.encode(l.nextMarker));
  xml += el("MaxKeys", l.maxKeys);
  if (l.delimiter) xml += el("Delimiter", l.encode(l.delimiter));
  if (l.encodingType) xml += el("EncodingType", l.encodingType);
  xml += el("IsTruncated", l.truncated);
  return `${xml}${listItems(l)}</ListBucketResult>`;
}

function listItems(l: ListingXml): string {
  return (
    l.contents.map((o) => contentsXml(o, l.encode)).join("") +
    l.commonPrefixes.map((p) => `<CommonPrefixes>${el("Prefix", l.encode(p))}</CommonPrefixes>`).join("")
  );
}

export const copyObjectXml = (etag: string, lastModified: Date) =>
  `${HEAD}<CopyObjectResult xmlns="${NS}">${el("LastModified", iso(lastModified))}${el("ETag", etag)}</CopyObjectResult>`;

export const copyPartXml = (etag: string, lastModified: Date) =>
  `${HEAD}<CopyPartResult xmlns="${NS}">${el("LastModified", iso(lastModified))}${el("ETag", etag)}</CopyPartResult>`;

export const initiateMultipartXml = (bucket: string, key: string, uploadId: string) =>
  `${HEAD}<InitiateMultipartUploadResult xmlns="${NS}">${el("Bucket", bucket)}${el("Key", key)}${el("UploadId", uploadId)}</InitiateMultipartUploadResult>`;

export const completeMultipartXml = (location: string, bucket: string, key: string, etag: string) =>
  `${HEAD}<CompleteMultipartUploadResult xmlns="${NS}">${el("Location", location)}${el("Bucket", bucket)}${el("Key", key)}${el("ETag", etag)}</CompleteMultipartUploadResult>`;

export function listPartsXml(
  bucket: string,
  key: string,
  uploadId: string,
  parts: { number: number; etag: string; size: number; lastModified: Date }[],
): string {
  const items = parts
    .map(
      (p) =>
        `<Part>${el("PartNumber", p.number)}${el("LastModified", iso(p.lastModified))}${el("ETag", p.etag)}${el("Size", p.size)}</Part>`,
    )
    .join("");
  return `${HEAD}<ListPartsResult xmlns="${NS}">${el("Bucket", bucket)}${el("Key", key)}${el("UploadId", uploadId)}${el("MaxParts", 10000)}${el("IsTruncated", false)}${items}</ListPartsResult>`;
}

export function listUploadsXml(
  bucket: string,
  uploads: { key: string; uploadId: string; initiated: Date }[],
): string {
  const items = uploads
    .map(
      (u) =>
        `<Upload>${el("Key", u.key)}${el("UploadId", u.uploadId)}${el("Initiated", iso(u.initiated))}${el("StorageClass", "STANDARD")}</Upload>`,
    )
    .join("");
  return `${HEAD}<ListMultipartUploadsResult xmlns="${NS}">${el("Bucket", bucket)}${el("MaxUploads", 1000)}${el("IsTruncated", false)}${items}</ListMultipartUploadsResult>`;
}

export function deleteResultXml(deleted: string[], errors: { key: string; code: string; message: string }[]) {
  const ok = deleted.map((k) => `<Deleted>${el("Key", k)}</Deleted>`).join("");
  const bad = errors
    .map((e) => `<Error>${el("Key", e.key)}${el("Code", e.code)}${el("Message", e.message)}</Error>`)
    .join("");
  return `${HEAD}<DeleteResult xmlns="${NS}">${ok}${bad}</DeleteResult>`;
}

export const locationXml = (region: string) =>
  `${HEAD}<LocationConstraint xmlns="${NS}">${escapeXml(region)}</LocationConstraint>`;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === "Part" || name === "Object",
});

const malformed = (what: string) =>
  new EmulatorError(400, "MalformedXML", `The XML you provided was not well-formed: ${what}`);

function parse(body: Uint8Array, root: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(Buffer.from(body).toString("utf8"), true) as Record<string, unknown>;
  } catch (err) {
    throw malformed((err as Error).message);
  }
  const node = doc[root];
  if (node === undefined) throw malformed(`expected <${root}>`);
  return typeof node === "object" && node !== null ? (node as Record<string, unknown>) : {};
}

/** `<CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>…` */
export function parseCompleteMultipart(body: Uint8Array): { number: number; etag: string }[] {
  const parts = (parse(body, "CompleteMultipartUpload").Part ?? []) as Record<string, unknown>[];
  return parts.map((p) => {
    const number = Number(p.PartNumber);
    if (!Number.isInteger(number) || typeof p.ETag !== "string") throw malformed("bad <Part>");
    return { number, etag: p.ETag.trim() };
  });
}

/** `<Delete><Object><Key/></Object>…<Quiet/></Delete>` */
export function parseDelete(body: Uint8Array): { keys: string[]; quiet: boolean } {
  const doc = parse(body, "Delete");
  const objects = (doc.Object ?? []) as Record<string, unknown>[];
  const keys = objects.map((o) => {
    if (typeof o.Key !== "string") throw malformed("bad <Object>");
    return o.Key;
  });
  if (keys.length > 1000) throw malformed("more than 1000 keys");
  return { keys, quiet: String(doc.Quiet ?? "").trim() === "true" };
}
