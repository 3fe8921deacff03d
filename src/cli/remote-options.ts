import { type Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_REMOTE_CONCURRENCY } from "../io/remote-defaults.js";
import type { RemoteSettings } from "../io/remote-inputs.js";

export interface RemoteCliOptions {
  endpointUrl?: string;
  profile?: string;
  region?: string;
  include: string[];
  exclude: string[];
  concurrency: number;
  timeout: number;
  retries: number;
  s3Gets: "direct" | "node-http" | "sdk";
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`not a positive number: ${value}`);
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(`not a non-negative integer: ${value}`);
  return n;
}

/**
 * Options for `s3://` and `https://` inputs (inspect, validate, scan). Credentials, region and endpoint otherwise
 * come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID/…, AWS_ENDPOINT_URL_S3, AWS_REGION, profiles).
 */
export function addRemoteOptions(command: Command): Command {
  return command
    .option("--endpoint-url <url>", "S3 endpoint (VAST, the emulator, MinIO…); path-style addressing")
    .option("--profile <name>", "AWS shared-config profile for s3:// inputs")
    .option("--region <region>", "AWS region for s3:// inputs")
    .option(
      "--include <glob>",
      "s3:// prefixes: keep listed keys matching (repeatable; default *.exr)",
      collect,
      [],
    )
    .option("--exclude <glob>", "s3:// prefixes: drop listed keys matching (repeatable)", collect, [])
    .addOption(
      new Option("--concurrency <n>", "objects read at once (s3:// and https:// inputs)")
        .argParser((v) => Math.floor(positive(v)))
        .default(DEFAULT_REMOTE_CONCURRENCY),
    )
    .addOption(
      new Option("--timeout <seconds>", "per request to s3:// and https:// inputs, body included")
        .argParser(positive)
        .default(30),
    )
    .addOption(
      new Option("--retries <n>", "retries of a failed request (throttling, 5xx, resets, timeouts)")
        .argParser(nonNegativeInt)
        .default(4),
    )
    .addOption(
      new Option(
        "--s3-gets <how>",
        "how s3:// ranges are fetched: direct (signed GETs, our HTTP/1.1 client, keep-alive), node-http (the same on node:http) or sdk (the AWS SDK's GetObject)",
      )
        .choices(["direct", "node-http", "sdk"])
        .default("direct"),
    );
}

export function remoteSettings(opts: RemoteCliOptions): RemoteSettings {
  return {
    ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.region ? { region: opts.region } : {}),
    include: opts.include,
    exclude: opts.exclude,
    concurrency: opts.concurrency,
    timeoutMs: Math.round(opts.timeout * 1000),
    retries: opts.retries,
    s3Gets: opts.s3Gets,
  };
}
