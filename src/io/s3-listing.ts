/**
 * Streams the objects under an S3 prefix (ListObjectsV2, recursive, page by page with continuation tokens):
 * memory stays one page whatever the listing's size. Each page request is retried like object reads.
 * Pages are requested with the direct GETs when given (parsed by s3-list-xml.ts), else with the SDK's command.
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from "./remote-retry.js";
import type { DirectRangeGets } from "./s3-direct-get.js";
import type { ListedObject, ListPage } from "./s3-list-xml.js";
import { classifyS3Error } from "./s3-source.js";
import { s3Uri } from "./s3-uri.js";

export interface ListingOptions {
  policy?: RetryPolicy;
  credentialSource?: string;
  /** Keys per page (default 1000, the S3 maximum). */
  pageSize?: number;
  /** Send the page requests directly (signed here, parsed without the SDK) when the bucket allows it. */
  direct?: DirectRangeGets;
}

async function sdkPage(
  client: S3Client,
  bucket: string,
  prefix: string,
  maxKeys: number,
  token: string | undefined,
  signal: AbortSignal,
): Promise<ListPage> {
  const page = await client.send(
    new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: prefix,
      MaxKeys: maxKeys,
      ...(token ? { ContinuationToken: token } : {}),
    }),
    { abortSignal: signal },
  );
  const objects: ListedObject[] = [];
  for (const o of page.Contents ?? []) {
    if (o.Key === undefined) continue;
    objects.push({
      key: o.Key,
      size: o.Size ?? 0,
      etag: o.ETag ?? null,
      lastModified: o.LastModified ?? null,
    });
  }
  return { objects, nextToken: page.IsTruncated ? page.NextContinuationToken : undefined };
}

export async function* listS3Objects(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: ListingOptions = {},
): AsyncGenerator<ListedObject> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const where = s3Uri(bucket, prefix);
  const credentialSource = options.credentialSource ?? "the AWS SDK default chain";
  const maxKeys = options.pageSize ?? 1000;
  let direct = options.direct;
  let token: string | undefined;
  do {
    const page = await withRetries(
      async (signal) => {
        const answer = direct ? await direct.listPage(bucket, prefix, maxKeys, token, signal) : null;
        if (answer !== null) return answer;
        direct = undefined; // this bucket is read through the SDK
        return sdkPage(client, bucket, prefix, maxKeys, token, signal);
      },
      (err, timedOut) => classifyS3Error(err, timedOut, where, credentialSource),
      policy,
    );
    yield* page.objects;
    token = page.nextToken;
  } while (token);
}
