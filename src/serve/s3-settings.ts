/**
 * Where `serve` reads S3 objects, from the variables the seed's deployment sets and the usual AWS ones:
 * endpoint `--endpoint-url`, else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / S3_ENDPOINT, else the VAST endpoint
 * (a VAST cluster serves S3 and the tabular API on the same address); keys from the AWS default chain when
 * AWS_ACCESS_KEY_ID or a profile is set, else S3_ACCESS_KEY/S3_SECRET_KEY, else the VAST_DB keys (a VAST user's
 * key pair serves both APIs); region AWS_REGION, else VAST_DB_REGION. Null when nothing names an S3 endpoint
 * or credentials (serve then answers S3 events 503 and stays ready for local paths).
 */
import type { S3ClientOptions } from "../io/s3-client.js";

export interface S3Overrides {
  endpointUrl?: string;
  /** The catalog's VAST endpoint, when the backend is VAST. */
  vastEndpoint?: string;
  maxSockets?: number;
}

export function s3ClientOptionsFrom(env: NodeJS.ProcessEnv, overrides: S3Overrides): S3ClientOptions | null {
  const explicitEndpoint =
    overrides.endpointUrl ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? env.S3_ENDPOINT;
  const awsChain = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE);
  const endpoint = explicitEndpoint ?? overrides.vastEndpoint;
  if (!endpoint && !awsChain) return null;
  const options: S3ClientOptions = {};
  if (endpoint) options.endpointUrl = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || env.VAST_DB_REGION;
  if (region) options.region = region;
  if (overrides.maxSockets) options.maxSockets = overrides.maxSockets;
  if (!awsChain) {
    const accessKeyId = env.S3_ACCESS_KEY || env.VAST_DB_ACCESS_KEY;
    const secretAccessKey = env.S3_SECRET_KEY || env.VAST_DB_SECRET_KEY;
    if (accessKeyId && secretAccessKey) options.credentials = { accessKeyId, secretAccessKey };
  }
  return options;
}
