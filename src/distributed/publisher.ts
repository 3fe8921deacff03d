/**
 * `publish`: streams the listing of files or objects (one page in memory whatever its size) and sends one
 * CloudEvent per object to a topic, in sends of at most `maxMessageBytes` (the broker's record-batch limit),
 * acknowledged by all in-sync replicas, uncompressed, with no idempotent producer and no transaction (the VAST
 * Event Broker's subset). Resumable through a checkpoint file.
 */
import { CompressionTypes, type Kafka, Partitioners, type Producer } from "kafkajs";
import { type RemoteContext, resolveInputs } from "../io/remote-inputs.js";
import { limitViolation, type MessageLimits, messageBytes } from "./event-broker-limits.js";
import { type EventMessage, eventMessage, objectEvent } from "./object-event.js";
import { readCheckpoint, writeCheckpoint } from "./publish-checkpoint.js";

export interface PublishOptions {
  kafka: Kafka;
  topic: string;
  inputs: string[];
  remote: RemoteContext;
  limits: MessageLimits;
  allFiles?: boolean;
  /** Events per send at most (default 1000). */
  batchEvents?: number;
  checkpointFile?: string;
  signal?: AbortSignal;
  onProgress?: (progress: PublishProgress) => void;
}

export interface PublishProgress {
  listed: number;
  published: number;
  /** Listed objects skipped because a checkpoint says they were published already. */
  resumed: number;
  seconds: number;
}

export interface PublishSummary extends PublishProgress {
  eventsPerSecond: number;
  /** Inputs that could not be listed, and events over the size limits: nothing was sent for them. */
  errors: string[];
  interrupted: boolean;
}

export async function publish(options: PublishOptions): Promise<PublishSummary> {
  const started = performance.now();
  const maxEvents = options.batchEvents ?? 1000;
  const checkpoint = options.checkpointFile
    ? readCheckpoint(options.checkpointFile, options.inputs, options.topic)
    : null;
  const progress: PublishProgress = { listed: 0, published: 0, resumed: 0, seconds: 0 };
  const errors: string[] = [];
  let acknowledged = checkpoint?.published ?? 0;
  let lastPath = checkpoint?.lastPath ?? null;
  let pending: { message: EventMessage; path: string }[] = [];
  let pendingBytes = 0;

  const producer: Producer = options.kafka.producer({
    idempotent: false,
    allowAutoTopicCreation: false,
    maxInFlightRequests: 1,
    // Keys hash to partitions as the Java client does (murmur2): one object's events share a partition.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const send = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    await producer.send({
      topic: options.topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: batch.map(({ message }) => ({
        key: message.key,
        value: message.value,
        headers: message.headers,
      })),
    });
    progress.published += batch.length;
    acknowledged += batch.length;
    lastPath = batch[batch.length - 1]!.path;
    if (options.checkpointFile)
      writeCheckpoint(options.checkpointFile, {
        inputs: options.inputs,
        topic: options.topic,
        published: acknowledged,
        lastPath,
      });
    progress.seconds = (performance.now() - started) / 1000;
    options.onProgress?.({ ...progress });
  };

  let interrupted = false;
  try {
    let position = 0;
    const skipUntil = checkpoint?.published ?? 0;
    for await (const entry of resolveInputs(options.inputs, options.remote, {
      ...(options.allFiles ? { allFiles: true } : {}),
    })) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      if (entry.failure || entry.error) {
        errors.push(entry.error ?? entry.failure?.message ?? entry.path);
        continue;
      }
      progress.listed++;
      position++;
      if (position <= skipUntil) {
        if (position === skipUntil && entry.path !== checkpoint?.lastPath) {
          // Objects were added or removed below the checkpoint: resuming by position may miss some, so say so
          // (publishing again without --checkpoint sends everything; redelivery is harmless).
          errors.push(
            `the listing changed since the checkpoint (expected ${checkpoint?.lastPath} at position ${skipUntil}, found ${entry.path}): run again without the checkpoint to publish everything`,
          );
        }
        progress.resumed++;
        continue;
      }
      const message = eventMessage(
        objectEvent({
          path: entry.path,
          ...(entry.listed ? { size: entry.listed.size, etag: entry.listed.etag } : {}),
        }),
      );
      const violation = limitViolation(message, options.limits);
      if (violation) {
        errors.push(`${entry.path}: not published, ${violation}`);
        continue;
      }
      const bytes = messageBytes(message);
      if (pending.length >= maxEvents || pendingBytes + bytes > options.limits.maxMessageBytes * 0.9)
        await send();
      pending.push({ message, path: entry.path });
      pendingBytes += bytes;
    }
    // After an interruption too: what was listed is sent and checkpointed; the rest waits for the next run.
    await send();
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ...progress,
    seconds,
    eventsPerSecond: seconds > 0 ? progress.published / seconds : 0,
    errors,
    interrupted,
  };
}
