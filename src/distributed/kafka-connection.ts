/**
 * One Kafka client (kafkajs: pure JavaScript, no binary download; see docs/notes/distributed.md) configured for
 * the VAST Event Broker's subset: plain connections to the listed brokers, no auto topic creation (topics are
 * created explicitly through the admin API, which the broker supports), its log lines routed to our logger.
 */
import { type Admin, Kafka, type LogEntry, logLevel } from "kafkajs";

export interface KafkaSettings {
  /** host:port of one or more brokers. */
  brokers: string[];
  clientId: string;
  /** Per connection attempt (default 5 s). */
  connectionTimeoutMs?: number;
  /** Per request (default 30 s). */
  requestTimeoutMs?: number;
}

export interface KafkaLog {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export function parseBrokers(value: string): string[] {
  const brokers = value
    .split(",")
    .map((b) => b.trim().replace(/^kafka:\/\//i, ""))
    .filter((b) => b.length > 0);
  for (const b of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(b)) throw new Error(`"${b}" is not host:port`);
  }
  if (brokers.length === 0) throw new Error("no broker given");
  return brokers;
}

export function kafkaClient(settings: KafkaSettings, log?: KafkaLog): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs ?? 5_000,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    // Transient broker errors (leader moves, a coordinator loading) are retried with backoff, bounded in time.
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: log ? logLevel.INFO : logLevel.NOTHING,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        if (!log) return;
        const { message, ...fields } = entry;
        if (level <= logLevel.WARN) log.warn({ kafka: fields }, `kafka: ${message}`);
        else log.debug({ kafka: fields }, `kafka: ${message}`);
      },
  });
}

/** The topic's partition count, or null when it does not exist. */
export async function topicPartitions(admin: Admin, topic: string): Promise<number | null> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) return null;
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return metadata.topics[0]?.partitions.length ?? null;
}

/** Creates the topic when missing (the Event Broker never creates topics on first use); returns its partitions. */
export async function ensureTopic(
  kafka: Kafka,
  topic: string,
  partitions: number,
): Promise<{ partitions: number; created: boolean }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await topicPartitions(admin, topic);
    if (existing !== null) return { partitions: existing, created: false };
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    return { partitions, created: true };
  } finally {
    await admin.disconnect();
  }
}
