import type { Command } from "commander";
import { ConsumeMetrics } from "../../distributed/consume-metrics.js";
import { ConsumeWorker, TopicMissingError } from "../../distributed/consume-worker.js";
import { kafkaClient, parseBrokers } from "../../distributed/kafka-connection.js";
import { type MetricsEndpoint, startMetricsServer } from "../../distributed/metrics-server.js";
import { RemoteContext } from "../../io/remote-inputs.js";
import { createLogger } from "../../serve/logger.js";
import {
  addCatalogOptions,
  type CatalogCliOptions,
  duckDbFileOf,
  openCatalogFor,
} from "../catalog-options.js";
import { RuntimeFailure, UsageError } from "../exit-codes.js";
import { addRemoteOptions, type RemoteCliOptions, remoteSettings } from "../remote-options.js";
import { parsePositiveInt } from "./inspect.js";

interface ConsumeCliOptions extends CatalogCliOptions, RemoteCliOptions {
  brokers: string;
  topic: string;
  group: string;
  deadLetterTopic?: string;
  attempts: number;
  retryDelayMs: number;
  batchMax: number;
  partitionsConcurrently: number;
  metricsHost: string;
  metricsPort?: number;
  drainTimeout: number;
  sessionTimeout: number;
  allFiles?: boolean;
  clientId: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`not a port: ${value}`);
  return n;
}

export function registerConsume(program: Command): void {
  addRemoteOptions(
    addCatalogOptions(
      program
        .command("consume")
        .description(
          "consumer-group worker: inspect the objects named by a topic's CloudEvents and catalogue them " +
            "(offsets committed after the catalog commit; run several on --backend vast)",
        )
        .requiredOption("--brokers <host:port,...>", "Kafka bootstrap brokers")
        .requiredOption("--topic <name>", "topic of object-created events")
        .requiredOption("--group <id>", "consumer group (workers of one group share the topic's partitions)")
        .option("--dead-letter-topic <name>", "where failed events go (default: <topic>.dead-letter)")
        .option(
          "--attempts <n>",
          "attempts of an event whose failure may pass before it is dead-lettered",
          parsePositiveInt,
          3,
        )
        .option(
          "--retry-delay-ms <ms>",
          "first wait between attempts (doubled each time)",
          parsePositiveInt,
          500,
        )
        .option(
          "--batch-max <n>",
          "events per catalog transaction and offset commit at most",
          parsePositiveInt,
          64,
        )
        .option("--partitions-concurrently <n>", "partitions processed at once", parsePositiveInt, 4)
        .option(
          "--metrics-port <n>",
          "serve GET /metrics and /healthz on this port (0 = any free port)",
          port,
        )
        .option("--metrics-host <host>", "interface for --metrics-port", "127.0.0.1")
        .option(
          "--drain-timeout <s>",
          "on SIGTERM, longest wait for the work in flight",
          parsePositiveInt,
          30,
        )
        .option(
          "--session-timeout <s>",
          "a member silent this long (crashed, killed) loses its partitions to the others (6–300)",
          parsePositiveInt,
          30,
        )
        .option("--all-files", "inspect objects whatever their name (default: only *.exr)")
        .option("--client-id <id>", "Kafka client id", "exr-inspector-consume"),
    ),
  ).action(async (options: ConsumeCliOptions) => {
    let brokers: string[];
    try {
      brokers = parseBrokers(options.brokers);
    } catch (err) {
      throw new UsageError(`--brokers: ${(err as Error).message}`);
    }
    if (options.sessionTimeout < 6 || options.sessionTimeout > 300)
      throw new UsageError(
        "--session-timeout must be between 6 and 300 seconds (the broker's default bounds)",
      );
    const logger = createLogger(process.env, process.stdout, "exr-inspector-consume").child({
      group: options.group,
    });
    const dbFile = duckDbFileOf(options);
    let store: Awaited<ReturnType<typeof openCatalogFor>>;
    try {
      store = await openCatalogFor(options, { init: true });
    } catch (err) {
      if (dbFile && err instanceof RuntimeFailure)
        throw new RuntimeFailure(
          `${err.message} DuckDB accepts one writer: run one consume per DuckDB catalog, or several with --backend vast.`,
          { cause: err },
        );
      throw err;
    }
    const metrics = new ConsumeMetrics();
    const remote = new RemoteContext(remoteSettings(options));
    const worker = new ConsumeWorker({
      kafka: kafkaClient({ brokers, clientId: options.clientId }, logger),
      topic: options.topic,
      group: options.group,
      store,
      remote,
      metrics,
      logger,
      deadLetterTopic: options.deadLetterTopic ?? `${options.topic}.dead-letter`,
      attempts: options.attempts,
      retryDelayMs: options.retryDelayMs,
      batchMax: options.batchMax,
      partitionsConcurrently: options.partitionsConcurrently,
      allFiles: options.allFiles ?? false,
      cwd: process.cwd(),
      sessionTimeoutMs: options.sessionTimeout * 1000,
    });
    let endpoint: MetricsEndpoint | null = null;
    const closeAll = async () => {
      await endpoint?.close();
      remote.close();
      await store.close();
    };
    try {
      if (options.metricsPort !== undefined)
        endpoint = await startMetricsServer(
          metrics,
          options.metricsHost,
          options.metricsPort,
          () => !worker.stopping,
        );
      await worker.start();
    } catch (err) {
      await worker.stop(5_000).catch(() => false);
      await closeAll();
      if (err instanceof TopicMissingError) throw new UsageError(err.message);
      throw new RuntimeFailure(`consume could not start: ${(err as Error).message}`, { cause: err });
    }
    logger.info(
      {
        topic: options.topic,
        backend: store.backend,
        catalog: store.location,
        metrics: endpoint?.url ?? null,
      },
      "consuming",
    );
    const reason = await new Promise<string | Error>((resolve) => {
      process.once("SIGTERM", () => resolve("SIGTERM"));
      process.once("SIGINT", () => resolve("SIGINT"));
      void worker.crashed.then(resolve);
    });
    logger.info({ reason: String(reason) }, "draining: finishing and committing the work in flight");
    const settled = await worker.stop(options.drainTimeout * 1000).catch(() => false);
    if (!settled) logger.warn("drain timed out: uncommitted events will be redelivered to another worker");
    await closeAll();
    logger.info("stopped");
    if (reason instanceof Error) throw new RuntimeFailure(`the Kafka consumer stopped: ${reason.message}`);
  });
}
