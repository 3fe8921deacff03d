/** Tiny EXR objects in the emulator's S3 side, and the environment the CLI needs to read them and write VAST. */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { createS3Client } from "../../src/io/s3-client.js";
import { testConfig } from "../vast/client/emulator-harness.js";
import { vastEnv } from "../vast/client/writer-fleet.js";

/** Small valid files of different layouts (scan line, tiled, deep, multipart, many attributes): 0.5–11 KB. */
const TINY = new Set([
  "scanline_rgb_none.exr",
  "every_attribute_type.exr",
  "bindings_attribute_types.exr",
  "long_names.exr",
  "deep_scanline.exr",
  "tiled_one_level.exr",
  "multipart_mixed.exr",
]);
const tiny = sampleFiles(undefined).filter((f) => TINY.has(f.name));

export function s3TestClient(endpoint: string): S3Client {
  return createS3Client({
    endpointUrl: endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test-access", secretAccessKey: "test-secret-key-value" },
    maxSockets: 64,
  }).client;
}

export const frameKey = (prefix: string, i: number) =>
  `${prefix}sq${String(Math.floor(i / 1000)).padStart(3, "0")}/shot_beauty.${String(i).padStart(6, "0")}.exr`;

/** Uploads `count` tiny EXRs under `prefix`, `concurrency` at a time. */
export async function uploadFrames(
  s3: S3Client,
  bucket: string,
  prefix: string,
  count: number,
  concurrency = 48,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const file = tiny[i % tiny.length]!;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: frameKey(prefix, i), Body: file.bytes }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** S3 and VAST settings for CLI processes against one emulator; a fresh schema unless given. */
export function emulatorEnv(endpoint: string, schema?: string): NodeJS.ProcessEnv {
  return {
    ...vastEnv(testConfig(endpoint, schema)),
    AWS_ACCESS_KEY_ID: "test-access",
    AWS_SECRET_ACCESS_KEY: "test-secret-key-value",
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  };
}
