/** Starts one Kafka broker for the broker-backed suites (`npm run test:kafka`) and stops it after them. */
import type { TestProject } from "vitest/node";
import { type KafkaBroker, startKafkaBroker } from "./kafka-broker.js";

let broker: KafkaBroker | null = null;

export async function setup(project: TestProject): Promise<void> {
  const started = performance.now();
  broker = await startKafkaBroker();
  process.stderr.write(
    `kafka broker ${broker.bootstrap} (pid ${broker.pid}) ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  project.provide("kafkaBootstrap", broker.bootstrap);
}

export async function teardown(): Promise<void> {
  await broker?.stop();
  broker = null;
}

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBootstrap: string;
  }
}
