/**
 * `--notify kafka://HOST:PORT[,HOST:PORT…]/TOPIC[?partitions=N]`: produces each event to a Kafka topic as VAST's
 * Element triggers do to an Event Broker topic: Kafka binary content mode (`ce_*` headers, the S3 record as the
 * value), key = the elementpath `bucket/key` (one object's events stay in one partition, in order), acknowledged by
 * all in-sync replicas, uncompressed, no idempotent producer, no transaction. The topic is created on the first
 * send when missing (`partitions`, default 12), as a trigger's destination topic exists before events flow.
 * A failed produce throws, so the notifier retries it; an event over the broker's limits is rejected.
 */
import type { CloudEvent } from "cloudevents";
import { CompressionTypes, type Kafka, Partitioners, type Producer } from "kafkajs";
import { EVENT_BROKER_LIMITS, limitViolation } from "../../../distributed/event-broker-limits.js";
import { ensureTopic, kafkaClient, parseBrokers } from "../../../distributed/kafka-connection.js";
import { eventMessage } from "../../../distributed/object-event.js";
import type { EventSink, SendOutcome } from "./sink.js";

export class KafkaSink implements EventSink {
  readonly target: string;
  private readonly kafka: Kafka;
  private readonly topic: string;
  private readonly partitions: number;
  private ready: Promise<Producer> | null = null;

  constructor(url: URL) {
    this.target = url.toString();
    this.topic = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
    if (!this.topic || this.topic.includes("/"))
      throw new Error(`--notify ${url}: expected kafka://HOST:PORT/TOPIC`);
    const partitions = Number(url.searchParams.get("partitions") ?? 12);
    if (!Number.isInteger(partitions) || partitions < 1)
      throw new Error(`--notify ${url}: partitions must be a positive integer`);
    this.partitions = partitions;
    this.kafka = kafkaClient({ brokers: parseBrokers(url.host), clientId: "vast-emulator-notify" });
  }

  private producer(): Promise<Producer> {
    this.ready ??= (async () => {
      await ensureTopic(this.kafka, this.topic, this.partitions);
      const producer = this.kafka.producer({
        idempotent: false,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((err: unknown) => {
      this.ready = null; // the next attempt connects again
      throw err;
    });
    return this.ready;
  }

  async send(event: CloudEvent<unknown>): Promise<SendOutcome> {
    const elementPath = typeof event.elementpath === "string" ? event.elementpath : event.id;
    const message = eventMessage(event.cloneWith({ partitionkey: elementPath }));
    const violation = limitViolation(message, EVENT_BROKER_LIMITS);
    if (violation) return { delivered: false, reason: violation };
    const producer = await this.producer();
    await producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: [{ key: message.key, value: message.value, headers: message.headers }],
    });
    return { delivered: true };
  }

  async close(): Promise<void> {
    const ready = this.ready;
    this.ready = null;
    if (ready) await (await ready.catch(() => null))?.disconnect();
  }
}
