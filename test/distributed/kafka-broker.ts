/**
 * A real Apache Kafka broker for tests and benchmarks: KRaft mode, one node (broker + controller), on free ports,
 * from the jars tools/kafka/fetch.sh caches in .cache/kafka/libs (Maven Central). Formats its storage in a
 * temporary directory, starts, waits until it answers metadata requests, and is always stopped by pid.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";

/** The checkout this module runs from (also when compiled into bench/out/). */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, "tools/kafka/pom.xml"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no tools/kafka/pom.xml above ${import.meta.dirname}`);
    dir = up;
  }
  return dir;
}

export const KAFKA_LIBS = process.env.KAFKA_LIBS ?? path.join(repoRoot(), ".cache/kafka/libs");

export interface KafkaBroker {
  /** host:port of the PLAINTEXT listener. */
  bootstrap: string;
  pid: number;
  stop(): Promise<void>;
}

/** Null when the jars are present, else how to get them. */
export function kafkaUnavailableReason(): string | null {
  if (!existsSync(path.join(KAFKA_LIBS, ".complete")))
    return `no Kafka broker jars in ${KAFKA_LIBS}: run tools/kafka/fetch.sh (Maven, once)`;
  if (spawnSync("java", ["-version"], { stdio: "ignore" }).status !== 0) return "no java on PATH";
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const JVM = ["-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"];

export interface BrokerOptions {
  /** Default partitions of topics created without a count. */
  partitions?: number;
  /** Longest wait for the broker to answer (default 90 s: the machine may be busy). */
  startTimeoutMs?: number;
}

export async function startKafkaBroker(options: BrokerOptions = {}): Promise<KafkaBroker> {
  const reason = kafkaUnavailableReason();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(path.join(tmpdir(), "exr-kafka-"));
  const port = await freePort();
  const controllerPort = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  writeFileSync(
    path.join(dir, "server.properties"),
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://${bootstrap},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${bootstrap}`,
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=PLAINTEXT",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      `log.dirs=${path.join(dir, "data")}`,
      `num.partitions=${options.partitions ?? 4}`,
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=4",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      // As the VAST Event Broker: topics are created explicitly, never on first use.
      "auto.create.topics.enable=false",
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "log4j.properties"),
    [
      "log4j.rootLogger=WARN, stderr",
      "log4j.appender.stderr=org.apache.log4j.ConsoleAppender",
      "log4j.appender.stderr.Target=System.err",
      "log4j.appender.stderr.layout=org.apache.log4j.PatternLayout",
      "log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n",
      "",
    ].join("\n"),
  );
  const java = [
    ...JVM,
    `-Dlog4j.configuration=file:${path.join(dir, "log4j.properties")}`,
    "-cp",
    `${KAFKA_LIBS}/*`,
  ];
  const format = spawnSync(
    "java",
    [
      ...java,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      "ZXhyLWluc3BlY3Rvci10",
      "-c",
      path.join(dir, "server.properties"),
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (format.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`kafka storage format failed: ${format.stderr || format.error}`);
  }
  const child: ChildProcess = spawn("java", [...java, "kafka.Kafka", path.join(dir, "server.properties")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const killNow = () => child.kill("SIGKILL");
  process.once("exit", killNow);
  const stop = async () => {
    process.off("exit", killNow);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(bootstrap, child, options.startTimeoutMs ?? 90_000, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return { bootstrap, pid: child.pid!, stop };
}

async function waitReady(
  bootstrap: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({
    clientId: "readiness",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kafka broker exited (${child.exitCode}): ${stderr()}`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
    } catch {
      // not up yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline)
      throw new Error(`kafka broker did not answer within ${timeoutMs} ms: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
