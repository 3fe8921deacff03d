/**
 * Starts the VAST emulator for client/adapter tests: the built one (`dist/vast/emulator/main.js --port 0`) as a
 * child process when it exists — what CI runs — otherwise in-process from the sources.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { VastConfig } from "../../../src/vast/client/config.js";

export interface EmulatorHandle {
  url: string;
  setFaults(faults: Record<string, number>): Promise<void>;
  stop(): Promise<void>;
}

const MAIN = path.resolve(import.meta.dirname, "../../../dist/vast/emulator/main.js");

export async function startTestEmulator(args: string[] = []): Promise<EmulatorHandle> {
  if (existsSync(MAIN) && process.env.VAST_TEST_IN_PROCESS !== "1") return spawnEmulator(args);
  const { startEmulator } = await import("../../../src/vast/emulator/server.js");
  const running = await startEmulator({ port: 0, buckets: ["vastdb"] });
  return {
    url: running.url,
    setFaults: async (f) => {
      running.faults.update(f);
    },
    stop: () => running.close(),
  };
}

async function spawnEmulator(args: string[]): Promise<EmulatorHandle> {
  const child: ChildProcess = spawn(
    process.execPath,
    [MAIN, "--port", "0", "--bucket", "vastdb", "--quiet", ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?:\/\/[^\s]+)/.exec(out);
      if (m) {
        child.stdout!.off("data", onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`emulator exited (${code}): ${stderr}`)));
  });
  return {
    url,
    setFaults: async (f) => {
      const res = await fetch(`${url}/_emulator/faults`, { method: "POST", body: JSON.stringify(f) });
      if (!res.ok) throw new Error(`setting faults failed: ${await res.text()}`);
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

let schemaCounter = 0;

/** A config for the emulator with a fresh schema name (tests share one emulator). */
export function testConfig(
  url: string,
  schema = `s${process.pid}_${Date.now()}_${schemaCounter++}`,
): VastConfig {
  return new VastConfig({
    endpoint: url,
    accessKey: "test-access",
    secretKey: "test-secret-key-value",
    bucket: "vastdb",
    schema,
    retry: { baseDelayMs: 5, maxDelayMs: 100 },
  });
}
