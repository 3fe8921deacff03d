/**
 * `consume`: one member of a consumer group. For each fetched batch of a partition, in chunks of `batchMax`
 * events: inspect them (bounded by the remote context's concurrency, shared by all partitions), upsert the rows
 * in one catalog batch, send the events that failed `attempts` times (or can never succeed) to the dead-letter
 * topic, and only then commit the chunk's offsets. A crash anywhere before the commit redelivers the chunk, and
 * the idempotent upsert makes the redelivery harmless (at-least-once delivery, each file catalogued once).
 * Rebalancing is the classic eager protocol (kafkajs has no other; the VAST Event Broker has no cooperative one).
 */
import type { Consumer, Kafka, KafkaMessage, Producer } from "kafkajs";
import { CompressionTypes, Partitioners } from "kafkajs";
import type { CatalogStore } from "../catalog/port.js";
import type { CatalogRecord } from "../catalog/rows.js";
import type { RemoteContext } from "../io/remote-inputs.js";
import type { ConsumeMetrics } from "./consume-metrics.js";
import { deadLetter } from "./dead-letter.js";
import { headerText } from "./event-message.js";
import { type EventOutcome, processEvent } from "./event-processor.js";
import { ensureTopic, topicPartitions } from "./kafka-connection.js";

export interface WorkerLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ConsumeOptions {
  kafka: Kafka;
  topic: string;
  group: string;
  store: CatalogStore;
  remote: RemoteContext;
  metrics: ConsumeMetrics;
  logger: WorkerLog;
  /** Dead-letter topic (created when missing, one partition). */
  deadLetterTopic: string;
  /** Attempts of an event whose failure may pass (object store unavailable) before it is dead-lettered. */
  attempts: number;
  /** First wait between attempts, doubled each time. */
  retryDelayMs: number;
  /** Events per catalog batch (and per offset commit) at most. */
  batchMax: number;
  /** Partitions processed at once by this member. */
  partitionsConcurrently: number;
  allFiles: boolean;
  cwd: string;
  sessionTimeoutMs?: number;
}

export class TopicMissingError extends Error {}

interface Attempted {
  message: KafkaMessage;
  outcome: EventOutcome;
  attempts: number;
}

/** Rejoins in a row without one offset commit in between before the member gives up (exits non-zero). */
const MAX_REJOINS = 10;

/** Protocol errors (kafkajs `type`) that mean the group has moved on without this member. */
const MEMBERSHIP_ERRORS = new Set([
  "UNKNOWN_MEMBER_ID",
  "ILLEGAL_GENERATION",
  "REBALANCE_IN_PROGRESS",
  "FENCED_INSTANCE_ID",
]);

/** True when `err` or one of its causes (kafkajs wraps the protocol error) is a membership error. */
export function lostMembership(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === "string" && MEMBERSHIP_ERRORS.has(type)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ConsumeWorker {
  readonly #o: ConsumeOptions;
  #consumer: Consumer | null = null;
  #deadLetters: Producer | null = null;
  #stopping = false;
  /** Chunks being processed: a stop waits for them (their catalog and offset commits) before leaving the group. */
  readonly #inFlight = new Set<Promise<void>>();
  #crashed: (error: Error) => void = () => {};
  #rejoinsWithoutCommit = 0;
  /** Settles when kafkajs gives up restarting the consumer (the process should exit non-zero). */
  readonly crashed = new Promise<Error>((resolve) => {
    this.#crashed = resolve;
  });

  constructor(options: ConsumeOptions) {
    this.#o = options;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Joins the group and starts consuming; resolves once running. */
  async start(): Promise<void> {
    const o = this.#o;
    const admin = o.kafka.admin();
    await admin.connect();
    try {
      const partitions = await topicPartitions(admin, o.topic);
      if (partitions === null)
        throw new TopicMissingError(
          `topic ${o.topic} does not exist (the Event Broker creates no topic on first use; \`exr-inspector publish\` creates it)`,
        );
    } finally {
      await admin.disconnect();
    }
    await ensureTopic(o.kafka, o.deadLetterTopic, 1);
    this.#deadLetters = o.kafka.producer({
      idempotent: false,
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      // Keys hash to partitions as the Java client does (murmur2): one object's events share a partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.#deadLetters.connect();
    await this.#join();
  }

  /** A fresh kafkajs consumer of the group, running. */
  async #join(): Promise<void> {
    const o = this.#o;
    const consumer = o.kafka.consumer({
      groupId: o.group,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      rebalanceTimeout: 60_000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 1024 * 1024,
      maxWaitTimeInMs: 500,
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      o.metrics.lag.reset();
      o.logger.info(
        { assignment: e.payload.memberAssignment, member: e.payload.memberId },
        "joined the group",
      );
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (e.payload.restart) {
        o.logger.warn({ error: String(e.payload.error) }, "consumer crashed; kafkajs restarts it");
      } else if (
        !this.#stopping &&
        lostMembership(e.payload.error) &&
        this.#rejoinsWithoutCommit < MAX_REJOINS
      ) {
        void this.#rejoin(consumer, e.payload.error);
      } else {
        o.logger.error({ error: String(e.payload.error) }, "consumer crashed");
        this.#crashed(e.payload.error);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let i = 0; i < batch.messages.length; i += o.batchMax) {
          if (!isRunning() || isStale() || this.#stopping) break;
          const chunk = batch.messages.slice(i, i + o.batchMax);
          const work = this.#processChunk(consumer, batch.topic, batch.partition, chunk, heartbeat);
          this.#inFlight.add(work);
          try {
            await work;
          } finally {
            this.#inFlight.delete(work);
          }
          const last = chunk[chunk.length - 1]!.offset;
          resolveOffset(last);
          o.metrics.lag.set(
            { topic: batch.topic, partition: String(batch.partition) },
            Number(BigInt(batch.highWatermark) - (BigInt(last) + 1n)),
          );
          await heartbeat();
        }
      },
    });
  }

  /**
   * kafkajs gives up on a member whose commit or heartbeat the coordinator refused because the group moved on
   * without it (it was silent past the session timeout: a long pause, an overloaded machine). That is no reason to
   * stop: the chunks it had not committed go to whoever holds their partitions now, and a new consumer rejoins.
   */
  async #rejoin(crashed: Consumer, error: Error): Promise<void> {
    const o = this.#o;
    this.#rejoinsWithoutCommit++;
    o.metrics.rejoins.inc();
    o.logger.warn(
      { error: String(error), rejoins_without_commit: this.#rejoinsWithoutCommit },
      "lost the group membership; rejoining (uncommitted chunks are delivered again)",
    );
    await Promise.allSettled([...this.#inFlight]);
    await crashed.disconnect().catch(() => undefined);
    if (this.#stopping) return;
    try {
      await this.#join();
    } catch (err) {
      o.logger.error({ error: String(err) }, "could not rejoin the group");
      this.#crashed(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async #attempt(message: KafkaMessage, heartbeat: () => Promise<void>): Promise<Attempted> {
    const o = this.#o;
    let attempts = 0;
    for (;;) {
      attempts++;
      const outcome = await processEvent(message, { remote: o.remote, allFiles: o.allFiles, cwd: o.cwd });
      if (outcome.kind !== "failed" || !outcome.retryable || attempts >= o.attempts || this.#stopping)
        return { message, outcome, attempts };
      o.metrics.retries.inc();
      o.logger.warn(
        { location: outcome.location, attempt: attempts, error: outcome.error },
        "retrying event",
      );
      await sleep(o.retryDelayMs * 2 ** (attempts - 1));
      await heartbeat().catch(() => undefined);
    }
  }

  async #processChunk(
    consumer: Consumer,
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const o = this.#o;
    const attempted = await Promise.all(messages.map((m) => this.#attempt(m, heartbeat)));
    const records: CatalogRecord[] = [];
    for (const a of attempted) if (a.outcome.kind === "record") records.push(a.outcome.record);
    let inserted = 0;
    if (records.length > 0) {
      o.metrics.batchSize.observe(records.length);
      // Throws when the catalog is unavailable: nothing is committed, kafkajs restarts and the chunk comes again.
      const outcomes = await o.store.upsertBatch(records, new Date());
      inserted = outcomes.filter((u) => u.status === "inserted").length;
    }
    const failed = attempted.filter((a) => a.outcome.kind === "failed");
    if (failed.length > 0) {
      await this.#deadLetters!.send({
        topic: o.deadLetterTopic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: failed.map((a) => {
          const f = a.outcome as Extract<EventOutcome, { kind: "failed" }>;
          o.logger.warn(
            {
              location: f.location,
              attempts: a.attempts,
              error: f.error,
              offset: a.message.offset,
              partition,
            },
            "event dead-lettered",
          );
          return deadLetter({
            key: a.message.key?.toString() ?? "",
            value: a.message.value?.toString() ?? "",
            headers: headerText(a.message.headers),
            topic,
            partition,
            offset: a.message.offset,
            attempts: a.attempts,
            error: f.error,
          });
        }),
      });
    }
    const next = (BigInt(messages[messages.length - 1]!.offset) + 1n).toString();
    await consumer.commitOffsets([{ topic, partition, offset: next }]);
    this.#rejoinsWithoutCommit = 0;
    o.metrics.commits.inc();
    const skipped = attempted.filter((a) => a.outcome.kind === "skipped").length;
    o.metrics.events.inc({ outcome: "inserted" }, inserted);
    o.metrics.events.inc({ outcome: "reinspected" }, records.length - inserted);
    o.metrics.events.inc({ outcome: "skipped" }, skipped);
    o.metrics.events.inc({ outcome: "dead_lettered" }, failed.length);
    for (const a of attempted) if (a.outcome.kind === "record") o.metrics.bytesRead.inc(a.outcome.bytesRead);
    o.metrics.finished(messages.length);
    o.logger.debug(
      {
        topic,
        partition,
        offset: next,
        files: records.length,
        inserted,
        skipped,
        dead_lettered: failed.length,
      },
      "chunk committed",
    );
  }

  /**
   * Stops fetching, lets the chunks in flight finish (inspection, catalog commit, offset commit), leaves the group
   * and closes the dead-letter producer. Bounded by `timeoutMs`; false when it timed out.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.#stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const stopped = (async () => {
      // kafkajs' own stop does not wait for a running batch handler before leaving the group (its commit would then
      // fail), so: no new chunks (the flag, and fetching paused), the chunks in flight finish and commit, then leave.
      // (pause throws on a consumer that kafkajs already stopped after a crash.)
      try {
        this.#consumer?.pause([{ topic: this.#o.topic }]);
      } catch {}
      await Promise.allSettled([...this.#inFlight]);
      await this.#consumer?.disconnect().catch(() => undefined);
      await this.#deadLetters?.disconnect().catch(() => undefined);
      return true as const;
    })();
    try {
      return await Promise.race([stopped, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
