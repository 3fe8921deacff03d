/**
 * The S3 client shared by a command's object reads and listings: credentials, region and endpoint exactly
 * as the AWS SDK's default chain resolves them (environment, shared config/credentials files and profiles,
 * SSO, web identity, container and instance metadata), overridden by --endpoint-url/--profile/--region.
 * With a custom endpoint (VAST, the emulator) requests are path-style, so `AWS_ENDPOINT_URL` plus the key
 * variables are enough. Keep-alive connections are pooled up to the command's concurrency.
 */
import { S3Client } from "@aws-sdk/client-s3";

export interface S3ClientOptions {
  endpointUrl?: string;
  profile?: string;
  region?: string;
  /** Connections kept open (default 64). */
  maxSockets?: number;
  /** Connect timeout in milliseconds (default 5000). */
  connectTimeoutMs?: number;
  /** Given keys instead of the default chain (library callers, tests). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface ConfiguredS3 {
  client: S3Client;
  /** Where the credentials come from, for error messages (never the secret). */
  credentialSource: string;
}

/** The SDK's own endpoint variables (it reads them itself; they only decide path-style here). */
const customEndpointInEnvironment = () =>
  Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);

/** Names the credential source the default chain will use, without revealing anything secret. */
export function describeCredentialSource(profile: string | undefined): string {
  if (process.env.AWS_ACCESS_KEY_ID) return "environment variables (AWS_ACCESS_KEY_ID)";
  const named = profile ?? process.env.AWS_PROFILE;
  if (named) return `profile "${named}" of the shared config/credentials files`;
  return "the AWS SDK default chain (default profile, SSO, web identity, container or instance metadata)";
}

export function createS3Client(options: S3ClientOptions = {}): ConfiguredS3 {
  // The SDK warns on every run under Node 20, which this package supports (engines >= 20.19).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const custom = options.endpointUrl !== undefined || customEndpointInEnvironment();
  const agent = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const client = new S3Client({
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    region: options.region ?? (custom ? regionOrDefault(options.profile) : undefined),
    forcePathStyle: custom,
    // Retries (with the per-attempt timeout covering the body) are done by the sources themselves.
    maxAttempts: 1,
    // Ranged GETs are checked against Content-Range, size and ETag; whole-object checksums do not apply to a
    // range, and computing them for other requests is only needed where S3 requires it.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      httpAgent: agent,
      httpsAgent: agent,
      connectionTimeout: options.connectTimeoutMs ?? 5000,
    },
  });
  const credentialSource = options.credentials
    ? "the credentials given to the client"
    : describeCredentialSource(options.profile);
  return { client, credentialSource };
}

/**
 * The region the default chain finds (AWS_REGION, the profile), else us-east-1: S3-compatible endpoints
 * ignore the region but the signature needs one.
 */
function regionOrDefault(profile: string | undefined): () => Promise<string> {
  // The SDK calls the region provider on every request: resolve once (a probe client per call cost a client
  // construction, a fresh connection pool and a shared-config read per GET).
  let region: Promise<string> | null = null;
  return () => {
    region ??= (async () => {
      const probe = new S3Client(profile ? { profile } : {});
      try {
        return await probe.config.region();
      } catch {
        return "us-east-1";
      } finally {
        probe.destroy();
      }
    })();
    return region;
  };
}
