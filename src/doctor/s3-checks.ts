/**
 * S3 reachability and credentials: ListBuckets against the S3 endpoint (network checks first when it differs
 * from the VAST endpoint already checked). Endpoint and keys: `--s3-endpoint-url`, else AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL / S3_ENDPOINT, else the VAST endpoint; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else
 * S3_ACCESS_KEY/S3_SECRET_KEY, else the VAST_DB keys (a VAST user's S3 key pair serves both APIs).
 */
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { CheckFailed, type CheckResult, notTried, runCheck, withTimeout } from "./check.js";
import { networkChecks } from "./network-checks.js";

const S3_TIMEOUT_MS = 5_000;

export interface S3Target {
  endpoint: URL;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Bucket that should be listed (the VAST bucket), when known. */
  bucket?: string;
}

export function s3TargetFrom(
  env: NodeJS.ProcessEnv,
  overrides: { endpoint?: string; fallbackEndpoint?: URL; bucket?: string },
): S3Target | string {
  const endpointText =
    overrides.endpoint ??
    env.AWS_ENDPOINT_URL_S3 ??
    env.AWS_ENDPOINT_URL ??
    env.S3_ENDPOINT ??
    overrides.fallbackEndpoint?.href;
  if (!endpointText) return "no S3 endpoint (set AWS_ENDPOINT_URL or S3_ENDPOINT)";
  const accessKeyId = env.AWS_ACCESS_KEY_ID || env.S3_ACCESS_KEY || env.VAST_DB_ACCESS_KEY;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || env.S3_SECRET_KEY || env.VAST_DB_SECRET_KEY;
  if (!accessKeyId || !secretAccessKey)
    return "no S3 keys (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, S3_ACCESS_KEY/S3_SECRET_KEY or the VAST_DB keys)";
  let endpoint: URL;
  try {
    endpoint = new URL(/^[a-z]+:\/\//i.test(endpointText) ? endpointText : `http://${endpointText}`);
  } catch {
    return `S3 endpoint "${endpointText}" is not a URL`;
  }
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region: env.AWS_REGION || env.VAST_DB_REGION || "us-east-1",
    ...(overrides.bucket ? { bucket: overrides.bucket } : {}),
  };
}

export async function s3Checks(
  target: S3Target | string,
  networkAlreadyChecked: boolean,
): Promise<CheckResult[]> {
  const tried = "ListBuckets";
  if (typeof target === "string") {
    return [
      {
        name: "S3 credentials",
        ok: false,
        tried,
        detail: target,
        fix: "export the S3 settings (docs/deploy-dataengine.md)",
      },
    ];
  }
  const results: CheckResult[] = [];
  if (!networkAlreadyChecked) {
    const network = await networkChecks("S3 endpoint", target.endpoint);
    results.push(...network);
    if (network.some((r) => !r.ok)) {
      results.push(notTried("S3 credentials", tried, "S3 endpoint reachable"));
      return results;
    }
  }
  const fix = `verify the S3 keys have S3 access; test with: aws s3 ls --endpoint-url ${target.endpoint.origin}`;
  const client = new S3Client({
    endpoint: target.endpoint.href,
    region: target.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    requestHandler: { connectionTimeout: S3_TIMEOUT_MS, requestTimeout: S3_TIMEOUT_MS },
  });
  try {
    results.push(
      await runCheck(
        "S3 credentials",
        `${tried} on ${target.endpoint.origin} (timeout ${S3_TIMEOUT_MS / 1000} s)`,
        fix,
        async () => {
          let names: string[];
          try {
            const out = await withTimeout(
              client.send(new ListBucketsCommand({})),
              S3_TIMEOUT_MS,
              "ListBuckets",
            );
            names = (out.Buckets ?? []).map((b) => b.Name ?? "");
          } catch (err) {
            const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
            const status = e.$metadata?.httpStatusCode;
            if (status === 403 || /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/.test(e.name ?? ""))
              throw new CheckFailed(
                `Invalid credentials: ${e.name ?? "AccessDenied"} (HTTP ${status ?? 403})`,
                fix,
              );
            throw err;
          }
          if (target.bucket && !names.includes(target.bucket))
            throw new CheckFailed(
              `bucket ${target.bucket} is not among the ${names.length} buckets these keys list`,
              `create the bucket or grant the user access to it; check VAST_DB_BUCKET`,
            );
          return `accepted; ${names.length} bucket${names.length === 1 ? "" : "s"} listed`;
        },
      ),
    );
  } finally {
    client.destroy();
  }
  return results;
}
