import { parentPort } from "node:worker_threads";

/**
 * The worker side of `WorkerPool`: answers each request with `handle`'s response, tagged with its id,
 * one request at a time and in order (the pool relies on it to know which request a crash was on).
 */
export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const port = parentPort;
  if (!port) throw new Error("serveRequests must run in a worker thread");
  let previous: Promise<void> = Promise.resolve();
  port.on("message", (message: { id: number; request: Req }) => {
    previous = previous.then(async () => {
      port.postMessage({ id: message.id, response: await handle(message.request) });
    });
  });
}
