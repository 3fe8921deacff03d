import { type Command, InvalidArgumentError } from "commander";
import { openCatalog } from "../../catalog/open.js";
import { createS3Client } from "../../io/s3-client.js";
import { startHttpServer } from "../../serve/http-server.js";
import { InspectionService } from "../../serve/inspection-service.js";
import { createLogger } from "../../serve/logger.js";
import { ServeMetrics } from "../../serve/metrics.js";
import { objectInspector } from "../../serve/object-inspector.js";
import { s3Inspector } from "../../serve/s3-inspector.js";
import { s3ClientOptionsFrom } from "../../serve/s3-settings.js";
import { tierUpOnlyHotFunctions } from "../../serve/v8-tiering.js";
import { addCatalogOptions, type CatalogCliOptions, catalogOptionsFrom } from "../catalog-options.js";

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

interface ServeCliOptions extends CatalogCliOptions {
  host: string;
  port: number;
  socket?: string;
  batchMax: number;
  batchWaitMs: number;
  batchConcurrency: number;
  batching: boolean;
  maxInFlight: number;
  drainTimeout: number;
  catalogTimeout: number;
  allFiles?: boolean;
  endpointUrl?: string;
}

export function registerServe(program: Command): void {
  addCatalogOptions(
    program
      .command("serve")
      .description(
        "receive CloudEvents naming EXR objects or files, inspect and catalogue each, answer with the result document",
      )
      .option("--host <host>", "interface to bind", "127.0.0.1")
      .option("--port <n>", "TCP port (0 = any free port)", integer(0), 8080)
      .option("--socket <path>", "listen on this Unix socket instead of TCP")
      .option("--batch-max <n>", "files per catalog transaction at most", integer(1), 64)
      .option(
        "--batch-wait-ms <ms>",
        "longest wait for more events before a batch is written (no wait when no other event is being inspected; with 16 or more waiting while others are, up to twice the last batch's write time, at most 500 ms, when that is longer)",
        integer(0),
        20,
      )
      .option("--batch-concurrency <n>", "batches written at once", integer(1), 1)
      .option("--no-batching", "one transaction per event (for comparison)")
      .option("--max-in-flight <n>", "events handled at once; more get 429 + Retry-After", integer(1), 256)
      .option(
        "--catalog-timeout <s>",
        "VAST: how long one batch may retry an unavailable catalog before its events get 503",
        integer(1),
        30,
      )
      .option("--drain-timeout <s>", "on SIGTERM, longest wait for events in flight", integer(0), 30)
      .option("--all-files", "accept objects whatever their name (default: only *.exr)")
      .option(
        "--endpoint-url <url>",
        "S3 endpoint for object events (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, $S3_ENDPOINT, else the VAST endpoint)",
      ),
  ).action(async (options: ServeCliOptions) => {
    tierUpOnlyHotFunctions();
    const logger = createLogger();
    const metrics = new ServeMetrics();
    const catalog = catalogOptionsFrom(options, { init: true });
    // A broker redelivers: a batch gives up once --catalog-timeout is spent (one retry budget for every retry loop
    // of the operation, see vast/client/retry-policy.ts) and answers 503.
    catalog.vast = { ...catalog.vast, retry: { maxElapsedMs: options.catalogTimeout * 1000 } };
    const store = await openCatalog(catalog);
    const batch = options.batching
      ? {
          maxItems: options.batchMax,
          maxWaitMs: options.batchWaitMs,
          maxConcurrent: options.batchConcurrency,
        }
      : { maxItems: 1, maxWaitMs: 0, maxConcurrent: options.maxInFlight };
    const s3Options = s3ClientOptionsFrom(process.env, {
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      ...(store.backend === "vast" && (catalog.vast?.endpoint ?? process.env.VAST_DB_ENDPOINT)
        ? { vastEndpoint: catalog.vast?.endpoint ?? process.env.VAST_DB_ENDPOINT }
        : {}),
      maxSockets: Math.min(options.maxInFlight, 256),
    });
    const objects = objectInspector(
      s3Options ? s3Inspector(createS3Client(s3Options), s3Options.maxSockets ?? 64) : null,
    );
    const service = new InspectionService({
      store,
      objects,
      metrics,
      logger,
      batch,
      allFiles: options.allFiles ?? false,
    });
    let server: Awaited<ReturnType<typeof startHttpServer>>;
    try {
      server = await startHttpServer({
        host: options.host,
        port: options.port,
        ...(options.socket ? { socket: options.socket } : {}),
        maxInFlight: options.maxInFlight,
        service,
        metrics,
        logger,
      });
    } catch (err) {
      objects.close();
      await store.close();
      throw err;
    }
    logger.info(
      {
        url: server.url,
        backend: store.backend,
        batch,
        s3_endpoint: s3Options ? (s3Options.endpointUrl ?? "AWS") : null,
      },
      "listening",
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "draining");
        void server
          .drain(options.drainTimeout * 1000)
          .then((settled) => {
            if (!settled) logger.warn("drain timed out with events still in flight");
          })
          .catch((err) => logger.error({ err: String(err) }, "drain failed"))
          .finally(() => {
            objects.close();
            void store
              .close()
              .catch((err) => logger.error({ err: String(err) }, "closing the catalog failed"))
              .finally(() => {
                logger.info("stopped");
                resolve();
              });
          });
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
  });
}
