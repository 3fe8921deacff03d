/** Ranged GetObject requests through the AWS SDK v3's own command stack. */
import type { Readable } from "node:stream";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { RangeAnswer } from "./remote-object.js";

/** The HTTP status and headers an SDK error carries, when the server answered at all. */
export function responseOf(err: unknown): { status: number | null; header: (name: string) => string | null } {
  const e = err as {
    $metadata?: { httpStatusCode?: number };
    $response?: { statusCode?: number; headers?: Record<string, string> };
  };
  const status = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode ?? null;
  const headers = e?.$response?.headers ?? {};
  return {
    status,
    header: (name) => {
      for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
      return null;
    },
  };
}

/** How an S3Source sends one ranged GET (`bytes=offset-(offset+length-1)`, `If-Match` when given). */
export interface S3RangeGets {
  get(
    bucket: string,
    key: string,
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer>;
}

export class SdkRangeGets implements S3RangeGets {
  constructor(private readonly client: S3Client) {}

  async get(
    bucket: string,
    key: string,
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer> {
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      Range: `bytes=${offset}-${offset + length - 1}`,
      ...(ifMatch ? { IfMatch: ifMatch } : {}),
    });
    try {
      const out = await this.client.send(command, { abortSignal: signal });
      const body = (out.Body ?? null) as (Readable & AsyncIterable<Uint8Array>) | null;
      return {
        status: out.$metadata.httpStatusCode === 206 ? 206 : 200,
        contentRange: out.ContentRange ?? null,
        contentLength: out.ContentLength ?? null,
        etag: out.ETag ?? null,
        lastModified: out.LastModified ?? null,
        body,
        cancel: () => body?.destroy(),
      };
    } catch (err) {
      const { status, header } = responseOf(err);
      if (status !== 416) throw err;
      return {
        status: 416,
        contentRange: header("content-range"),
        contentLength: null,
        etag: header("etag"),
        lastModified: null,
        body: null,
        cancel: () => {},
      };
    }
  }
}
