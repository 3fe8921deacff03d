import { parentPort, receiveMessageOnPort } from "node:worker_threads";

interface RequestMessage<Req> {
  id: number;
  request: Req;
}

/**
 * The worker side of `WorkerPool`: answers each request with `handle`'s response, tagged with its id,
 * one request at a time and in order (the pool relies on it to know which request a crash was on).
 * After each answer, requests already waiting in the port are taken synchronously, without a turn of
 * the event loop. Order holds: a message delivered as an event left the port before any still in it.
 */
export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const port = parentPort;
  if (!port) throw new Error("serveRequests must run in a worker thread");
  const queue: RequestMessage<Req>[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    for (let message = queue.shift(); message; message = queue.shift()) {
      port.postMessage({ id: message.id, response: await handle(message.request) });
      for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
        queue.push(next.message as RequestMessage<Req>);
    }
    running = false;
  };
  port.on("message", (message: RequestMessage<Req>) => {
    queue.push(message);
    if (!running) void drain();
  });
}
