/** Runs the built `exr-inspector consume` as a child process and reads its /metrics; test helpers around Kafka. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { Kafka, type KafkaMessage, logLevel } from "kafkajs";

export const CLI = path.resolve(import.meta.dirname, "../../dist/cli/launch.cjs");

export interface ConsumeHandle {
  child: ChildProcess;
  metricsUrl: string;
  output(): string;
  /** The sum of a metric's samples whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function parseMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

export async function startConsume(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ConsumeHandle> {
  const child = spawn(process.execPath, [CLI, "consume", "--metrics-port", "0", ...args], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 120_000;
  let metricsUrl = "";
  while (!metricsUrl) {
    const m = /"metrics":"(http:\/\/[^"]+)"/.exec(out);
    if (m) metricsUrl = m[1]!;
    else if (gone) throw new Error(`consume exited before consuming: ${out}`);
    else if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`consume did not start within 120 s: ${out}`);
    } else await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    metricsUrl,
    output: () => out,
    metric: async (name, labels) => {
      const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
      return parseMetric(await res.text(), name, labels);
    },
    exited,
    stop: async (signal = "SIGTERM") => {
      if (!gone) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Polls until `check` holds, or fails after `timeoutMs` with `what`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function testKafka(bootstrap: string): Kafka {
  return new Kafka({ clientId: "test", brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

/** Reads `count` records of a topic from the beginning (a fresh group each time), within `timeoutMs`. */
export async function readTopic(
  bootstrap: string,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<KafkaMessage[]> {
  const consumer = testKafka(bootstrap).consumer({
    groupId: `reader-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 200,
  });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${messages.length} of ${count} records of ${topic}`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (messages.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
