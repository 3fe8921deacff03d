import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";

interface RequestMessage<Req> {
  id: number;
  request: Req;
}

/** The pool's progress counter for this worker (see WorkerPool: a long request that keeps ticking is not stuck). */
const progress = (workerData as { progress?: SharedArrayBuffer } | null)?.progress;
const counter = progress ? new Int32Array(progress) : null;

/** Tells the pool this worker is moving (e.g. one more file done), from inside a long request. */
function tick(): void {
  if (counter) Atomics.add(counter, 0, 1);
}

/**
 * The worker side of `WorkerPool`: answers each request with `handle`'s response, tagged with its id,
 * one request at a time and in order (the pool relies on it to know which request a crash was on).
 * After each answer, requests already waiting in the port are taken synchronously, without a turn of
 * the event loop. Order holds: a message delivered as an event left the port before any still in it.
 */
export function serveRequests<Req, Res>(
  handle: (request: Req, tick: () => void) => Res | Promise<Res>,
  /** Buffers of a response to move to the pool's thread instead of copying them (they are unusable here after). */
  transferOf?: (response: Res) => ArrayBuffer[],
): void {
  const port = parentPort;
  if (!port) throw new Error("serveRequests must run in a worker thread");
  const queue: RequestMessage<Req>[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    for (let message = queue.shift(); message; message = queue.shift()) {
      const response = await handle(message.request, tick);
      port.postMessage({ id: message.id, response }, transferOf?.(response));
      for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
        queue.push(next.message as RequestMessage<Req>);
    }
    running = false;
  };
  port.on("message", (message: RequestMessage<Req>) => {
    queue.push(message);
    if (!running) void drain();
  });
  // Loaded and serving: from now on the pool's answer timeout applies (see WorkerPool.arm).
  tick();
}
