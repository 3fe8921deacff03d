import { parentPort } from "node:worker_threads";

/** The worker side of `WorkerPool`: answers each request with `handle`'s response, tagged with its id. */
export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const port = parentPort;
  if (!port) throw new Error("serveRequests must run in a worker thread");
  port.on("message", async (message: { id: number; request: Req }) => {
    port.postMessage({ id: message.id, response: await handle(message.request) });
  });
}
