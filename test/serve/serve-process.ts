/**
 * Runs the built `exr-inspector serve` as a child process (as deployments do) and talks CloudEvents to it with the
 * `cloudevents` SDK's own HTTP binding, in binary or structured content mode.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";
import { CloudEvent, HTTP } from "cloudevents";

export const CLI = path.resolve(import.meta.dirname, "../../dist/cli/launch.cjs");
export const cliBuilt = existsSync(CLI);

export interface ServeHandle {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far (JSON log lines on stdout, stderr). */
  output(): string;
  logLines(): Record<string, unknown>[];
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A TCP port free at the time of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts serve on a free port and waits until `/healthz` answers (so it works whatever LOG_LEVEL hides).
 */
export async function startServe(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  fixedPort?: number,
): Promise<ServeHandle> {
  const port = fixedPort ?? (await freePort());
  const child = spawn(process.execPath, [CLI, "serve", "--port", String(port), ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error(`serve exited before listening: ${out}${err}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`serve did not answer /healthz within 60 s: ${out}${err}`);
    }
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    child,
    exited,
    output: () => out + err,
    logLines: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return (await exited).code;
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

let counter = 0;

export function cloudEvent(data: unknown, attributes: Record<string, unknown> = {}): CloudEvent<unknown> {
  return new CloudEvent<unknown>({
    type: "com.example.exr.test",
    source: "/tests/serve",
    id: `test-${process.pid}-${counter++}`,
    datacontenttype: "application/json",
    data,
    ...attributes,
  });
}

/** POSTs the event in the given content mode and returns the decoded answer. */
export async function sendEvent(
  url: string,
  event: CloudEvent<unknown>,
  mode: "binary" | "structured" = "binary",
): Promise<Reply> {
  const message = mode === "binary" ? HTTP.binary(event) : HTTP.structured(event);
  const res = await fetch(url, {
    method: "POST",
    headers: message.headers as Record<string, string>,
    body: String(message.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
}

export function persistenceOf(reply: Reply): Record<string, unknown> {
  return reply.body.persistence as Record<string, unknown>;
}
