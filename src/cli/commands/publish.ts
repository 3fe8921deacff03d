import { existsSync } from "node:fs";
import type { Command } from "commander";
import { EVENT_BROKER_LIMITS } from "../../distributed/event-broker-limits.js";
import { ensureTopic, kafkaClient, parseBrokers } from "../../distributed/kafka-connection.js";
import { type PublishProgress, publish } from "../../distributed/publisher.js";
import { RemoteContext } from "../../io/remote-inputs.js";
import { EXIT, RuntimeFailure, UsageError } from "../exit-codes.js";
import { progressLine } from "../progress-line.js";
import { addRemoteOptions, type RemoteCliOptions, remoteSettings } from "../remote-options.js";
import { parsePositiveInt } from "./inspect.js";

interface PublishCliOptions extends RemoteCliOptions {
  brokers: string;
  topic: string;
  partitions: number;
  checkpoint?: string;
  allFiles?: boolean;
  maxMessageBytes: number;
  maxValueBytes: number;
  clientId: string;
}

const rate = (p: PublishProgress) => (p.seconds > 0 ? Math.round(p.published / p.seconds) : 0);

export function registerPublish(program: Command): void {
  addRemoteOptions(
    program
      .command("publish")
      .description(
        "publish one CloudEvent per file or object to a Kafka topic (VAST Event Broker), for `consume` workers",
      )
      .argument("<paths...>", "files, directories, s3://bucket/key, s3://bucket/prefix/, or '-'")
      .requiredOption("--brokers <host:port,...>", "Kafka bootstrap brokers")
      .requiredOption("--topic <name>", "topic to publish to (created with --partitions when missing)")
      .option("--partitions <n>", "partitions of the topic when it is created", parsePositiveInt, 12)
      .option("--checkpoint <file>", "resume from (and record progress in) this file")
      .option("--all-files", "in directories and listings, every file, not only *.exr")
      .option(
        "--max-message-bytes <n>",
        "largest send (record batch) in bytes (VAST Event Broker: 1 MB)",
        parsePositiveInt,
        EVENT_BROKER_LIMITS.maxMessageBytes,
      )
      .option(
        "--max-value-bytes <n>",
        "largest key or value in bytes (VAST Event Broker: 126 KB)",
        parsePositiveInt,
        EVENT_BROKER_LIMITS.maxValueBytes,
      )
      .option("--client-id <id>", "Kafka client id", "exr-inspector-publish"),
  ).action(async (paths: string[], options: PublishCliOptions) => {
    const missing = paths.filter((p) => p !== "-" && !p.includes("://") && !existsSync(p));
    if (missing.length > 0)
      throw new UsageError(`no such file or directory: ${missing.join(", ")} (nothing published)`);
    let brokers: string[];
    try {
      brokers = parseBrokers(options.brokers);
    } catch (err) {
      throw new UsageError(`--brokers: ${(err as Error).message}`);
    }
    const kafka = kafkaClient({ brokers, clientId: options.clientId });
    const controller = new AbortController();
    const onSignal = () => {
      process.stderr.write("\nstopping: sending what was listed and recording the checkpoint…\n");
      controller.abort();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const remote = new RemoteContext(remoteSettings(options), controller.signal);
    const line = progressLine("publish");
    try {
      let topic: Awaited<ReturnType<typeof ensureTopic>>;
      try {
        topic = await ensureTopic(kafka, options.topic, options.partitions);
      } catch (err) {
        throw new RuntimeFailure(`cannot reach the brokers ${brokers.join(",")}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (topic.created)
        process.stderr.write(`created topic ${options.topic} (${topic.partitions} partitions)\n`);
      const summary = await publish({
        kafka,
        topic: options.topic,
        inputs: paths,
        remote,
        limits: {
          maxKeyBytes: options.maxValueBytes,
          maxValueBytes: options.maxValueBytes,
          maxMessageBytes: options.maxMessageBytes,
        },
        allFiles: options.allFiles ?? false,
        ...(options.checkpoint ? { checkpointFile: options.checkpoint } : {}),
        signal: controller.signal,
        onProgress: (p) =>
          line.update(
            `${p.published.toLocaleString("en-US")} published of ${p.listed.toLocaleString("en-US")} listed, ${rate(p)}/s`,
          ),
      });
      line.done();
      for (const e of summary.errors) process.stderr.write(`exr-inspector: ${e}\n`);
      process.stdout.write(
        `published ${summary.published} events to ${options.topic} in ${summary.seconds.toFixed(1)} s ` +
          `(${Math.round(summary.eventsPerSecond)}/s); listed ${summary.listed}` +
          (summary.resumed > 0 ? `, ${summary.resumed} already published (checkpoint)` : "") +
          (summary.errors.length > 0 ? `, ${summary.errors.length} errors` : "") +
          (summary.interrupted ? "; interrupted (run again with the same --checkpoint to resume)" : "") +
          "\n",
      );
      if (summary.interrupted) process.exitCode = EXIT.INTERRUPTED;
      else if (summary.errors.length > 0) process.exitCode = EXIT.FINDINGS;
    } finally {
      line.done();
      remote.close();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}
