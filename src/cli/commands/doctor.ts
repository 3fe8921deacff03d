import { type Command, Option } from "commander";
import { formatCheck } from "../../doctor/check.js";
import { runDoctor } from "../../doctor/doctor.js";
import { addCatalogOptions, type CatalogCliOptions, catalogOptionsFrom } from "../catalog-options.js";

interface DoctorCliOptions extends CatalogCliOptions {
  s3: "auto" | "yes" | "no";
  s3EndpointUrl?: string;
}

export function registerDoctor(program: Command): void {
  addCatalogOptions(
    program
      .command("doctor")
      .description(
        "check the configured catalog and S3 endpoints (DNS, TCP, TLS, credentials, bucket, schema, tables, round trip); exit 0 only when all pass",
      )
      .addOption(
        new Option(
          "--s3 <when>",
          "check S3 (ListBuckets) too: auto = for --backend vast or when an S3 endpoint is set",
        )
          .choices(["auto", "yes", "no"])
          .default("auto"),
      )
      .option(
        "--s3-endpoint-url <url>",
        "S3 endpoint (default: $AWS_ENDPOINT_URL, $S3_ENDPOINT, else the VAST endpoint)",
      ),
  ).action(async (options: DoctorCliOptions) => {
    const results = await runDoctor({
      catalog: catalogOptionsFrom(options),
      s3: options.s3,
      ...(options.s3EndpointUrl ? { s3EndpointUrl: options.s3EndpointUrl } : {}),
      onResult: (r) => process.stdout.write(`${formatCheck(r)}\n`),
    });
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(
      failed === 0
        ? `all ${results.length} checks passed\n`
        : `${failed} of ${results.length} checks failed\n`,
    );
    process.exitCode = failed === 0 ? 0 : 1;
  });
}
