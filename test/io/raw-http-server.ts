/**
 * What the Http1Pool suites share: a raw TCP server that answers each request head as the test scripts it, pools on
 * it, and the clean-up of both after each test (`afterEach(runCleanups)`).
 */
import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { Http1Pool } from "../../src/io/http1-pool.js";

export const cleanups: Array<() => unknown> = [];

export async function runCleanups(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export interface Raw {
  port: number;
  connections: () => number;
  /** Request heads with the index of the connection they came on (0-based, in order of connecting). */
  requests: { head: string; conn: number }[];
}

/**
 * A raw server: `answer(socket, n, head, conn, nth)` for the n-th request head over all connections (the nth on
 * its connection `conn`).
 */
export async function rawServer(
  answer: (socket: Socket, n: number, head: string, conn: number, nth: number) => void,
): Promise<Raw> {
  let n = 0;
  let connections = 0;
  const requests: { head: string; conn: number }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const conn = connections++;
    let nth = 0;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buffered = "";
    socket.on("data", (d) => {
      buffered += d.toString("latin1");
      while (buffered.includes("\r\n\r\n")) {
        const head = buffered.slice(0, buffered.indexOf("\r\n\r\n"));
        buffered = buffered.slice(head.length + 4);
        requests.push({ head, conn });
        answer(socket, n++, head, conn, nth++);
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as AddressInfo).port, connections: () => connections, requests };
}

export function poolFor(port: number, options: ConstructorParameters<typeof Http1Pool>[1] = {}): Http1Pool {
  const pool = new Http1Pool({ https: false, hostname: "127.0.0.1", port }, options);
  cleanups.push(() => pool.close());
  return pool;
}

export const never = (): AbortSignal => new AbortController().signal;
export const host = { host: "h" };
/** The error a request failed with, or null when it succeeded. */
export const outcome = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as Error & { code?: string; cause?: unknown },
  );
export const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
