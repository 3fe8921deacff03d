/**
 * Streams the objects under an S3 prefix (ListObjectsV2, recursive, page by page with continuation tokens):
 * memory stays one page whatever the listing's size. Each page request is retried like object reads.
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from "./remote-retry.js";
import { classifyS3Error } from "./s3-source.js";
import { s3Uri } from "./s3-uri.js";

export interface ListedObject {
  key: string;
  size: number;
  etag: string | null;
  lastModified: Date | null;
}

export interface ListingOptions {
  policy?: RetryPolicy;
  credentialSource?: string;
  /** Keys per page (default 1000, the S3 maximum). */
  pageSize?: number;
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
  let token: string | undefined;
  do {
    const page = await withRetries(
      (signal) =>
        client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: options.pageSize ?? 1000,
            ...(token ? { ContinuationToken: token } : {}),
          }),
          { abortSignal: signal },
        ),
      (err, timedOut) => classifyS3Error(err, timedOut, where, credentialSource),
      policy,
    );
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? null, lastModified: o.LastModified ?? null };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
