/** `exr-inspector doctor`: the seed's "Troubleshooting Deployment" as checks against the configured endpoints. */
import { type CatalogOptions, defaultDbPath } from "../catalog/open-options.js";
import type { CheckResult } from "./check.js";
import { duckdbChecks } from "./duckdb-checks.js";
import { s3Checks, s3TargetFrom } from "./s3-checks.js";
import { vastChecks } from "./vast-checks.js";

export interface DoctorOptions {
  catalog: CatalogOptions;
  /** Check S3 too: "auto" = for the VAST backend, or when an S3 endpoint is configured. */
  s3: "auto" | "yes" | "no";
  s3EndpointUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each result as soon as it is known. */
  onResult?: (result: CheckResult) => void;
}

export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const env = options.env ?? process.env;
  const all: CheckResult[] = [];
  const emit = (results: CheckResult[]) => {
    for (const r of results) {
      all.push(r);
      options.onResult?.(r);
    }
  };
  const backend = options.catalog.backend ?? "duckdb";
  let vastEndpoint: URL | undefined;
  let vastBucket: string | undefined;
  if (backend === "vast") {
    const { results, config } = await vastChecks(options.catalog.vast ?? {});
    emit(results);
    vastEndpoint = config?.endpoint;
    vastBucket = config?.bucket;
  } else {
    emit(await duckdbChecks(options.catalog.db ?? defaultDbPath(env)));
  }
  const s3Configured = Boolean(
    options.s3EndpointUrl || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || env.S3_ENDPOINT,
  );
  const wantS3 = options.s3 === "yes" || (options.s3 === "auto" && (backend === "vast" || s3Configured));
  if (wantS3) {
    const target = s3TargetFrom(env, {
      ...(options.s3EndpointUrl ? { endpoint: options.s3EndpointUrl } : {}),
      ...(vastEndpoint ? { fallbackEndpoint: vastEndpoint } : {}),
      ...(vastBucket ? { bucket: vastBucket } : {}),
    });
    const sameEndpoint =
      typeof target !== "string" &&
      vastEndpoint !== undefined &&
      target.endpoint.origin === vastEndpoint.origin;
    const vastNetworkOk = all.filter((r) => r.name.startsWith("VAST endpoint")).every((r) => r.ok);
    emit(await s3Checks(target, sameEndpoint && vastNetworkOk));
  }
  return all;
}
