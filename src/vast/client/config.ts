/**
 * Connection settings of the VAST tabular client: the seed's environment variables, overridden by flags.
 * Secrets are kept out of every string form of the config (`toJSON`, `inspect`) so they never reach logs.
 */
import { inspect } from "node:util";
import { VastError } from "./errors.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry-policy.js";

export interface VastConfigInput {
  endpoint?: string;
  accessKey?: string;
  secretKey?: string;
  bucket?: string;
  schema?: string;
  /** Extra endpoints (comma separated in `VAST_DB_DATA_ENDPOINTS`) used for parallel selects. */
  dataEndpoints?: string[];
  /** SigV4 region; the official SDK signs with an empty region. */
  region?: string;
  /** Per-request socket timeout (ms). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

export class VastConfig {
  readonly endpoint: URL;
  readonly bucket: string;
  readonly schema: string;
  readonly dataEndpoints: URL[];
  readonly region: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly accessKey: string;
  readonly #secretKey: string;

  constructor(
    input: Required<Pick<VastConfigInput, "endpoint" | "accessKey" | "secretKey" | "bucket">> &
      VastConfigInput,
  ) {
    this.endpoint = parseEndpoint(input.endpoint);
    this.accessKey = input.accessKey;
    this.#secretKey = input.secretKey;
    this.bucket = input.bucket;
    this.schema = input.schema ?? "exr_metadata";
    this.dataEndpoints = (input.dataEndpoints ?? []).map(parseEndpoint);
    this.region = input.region ?? "";
    this.timeoutMs = input.timeoutMs ?? 120_000;
    this.retry = { ...DEFAULT_RETRY, ...input.retry };
  }

  get secretKey(): string {
    return this.#secretKey;
  }

  /** Endpoints for parallel selects: the data endpoints, or the main endpoint alone. */
  get queryEndpoints(): URL[] {
    return this.dataEndpoints.length > 0 ? this.dataEndpoints : [this.endpoint];
  }

  toJSON(): Record<string, unknown> {
    return {
      endpoint: this.endpoint.origin,
      bucket: this.bucket,
      schema: this.schema,
      dataEndpoints: this.dataEndpoints.map((u) => u.origin),
      region: this.region,
      accessKey: "[redacted]",
      secretKey: "[redacted]",
    };
  }

  toString(): string {
    return `VastConfig(${JSON.stringify(this.toJSON())})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Accepts `host[:port]` (http assumed, as the seed's examples give bare host names) or a full URL. */
function parseEndpoint(raw: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new VastError("VAST_CONFIG_INVALID", "VAST endpoint is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new VastError("VAST_CONFIG_INVALID", `VAST endpoint must be http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new VastError(
      "VAST_CONFIG_INVALID",
      "VAST endpoint must not embed credentials; use the key variables",
    );
  }
  return url;
}

/** Resolves the config from flags over `VAST_DB_*` environment variables; names what is missing. */
export function resolveVastConfig(
  flags: VastConfigInput = {},
  env: Record<string, string | undefined> = process.env,
): VastConfig {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    const v = flag ?? env[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const endpoint = pick(flags.endpoint, "VAST_DB_ENDPOINT");
  const accessKey = pick(flags.accessKey, "VAST_DB_ACCESS_KEY");
  const secretKey = pick(flags.secretKey, "VAST_DB_SECRET_KEY");
  const bucket = pick(flags.bucket, "VAST_DB_BUCKET");
  const missing = [
    endpoint ? null : "VAST_DB_ENDPOINT (--vast-endpoint)",
    accessKey ? null : "VAST_DB_ACCESS_KEY",
    secretKey ? null : "VAST_DB_SECRET_KEY",
    bucket ? null : "VAST_DB_BUCKET (--vast-bucket)",
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) {
    throw new VastError("VAST_CONFIG_MISSING", `VAST backend needs ${missing.join(", ")}`);
  }
  const dataEndpoints =
    flags.dataEndpoints ??
    (env.VAST_DB_DATA_ENDPOINTS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  return new VastConfig({
    ...flags,
    endpoint: endpoint!,
    accessKey: accessKey!,
    secretKey: secretKey!,
    bucket: bucket!,
    schema: pick(flags.schema, "VAST_DB_SCHEMA") ?? "exr_metadata",
    dataEndpoints,
  });
}
