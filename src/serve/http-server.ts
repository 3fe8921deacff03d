/**
 * The HTTP front of `serve`: CloudEvents in (binary and structured content modes, parsed by the `cloudevents`
 * SDK) on POST to any path, the result document out; `GET /healthz`, `/readyz`, `/metrics`. Back-pressure: past
 * `maxInFlight` events an event is answered 429 with Retry-After; while draining, 503 with Retry-After.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudEvent, HTTP } from "cloudevents";
import type { EventLike } from "./event-target.js";
import type { Answer, InspectionService } from "./inspection-service.js";
import type { Logger } from "./logger.js";
import type { ServeMetrics } from "./metrics.js";
import { bareDocument, failed, skipped } from "./result-document.js";

export interface HttpOptions {
  host?: string;
  port?: number;
  /** Listen on a Unix socket instead of TCP. */
  socket?: string;
  /** Events handled at once; more are answered 429 (default 256). */
  maxInFlight?: number;
  /** Largest accepted event body (default 1 MiB, the Event Broker's message limit). */
  maxBodyBytes?: number;
  service: InspectionService;
  metrics: ServeMetrics;
  logger: Logger;
}

export interface RunningServer {
  /** `http://host:port` or `unix:/path`. */
  url: string;
  server: Server;
  /** Stops accepting events, answers those in flight, commits their batch; bounded by `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
}

const RESULT_TYPE = "com.exr-inspector.inspection.result";
const RESULT_SOURCE = "exr-inspector/serve";

class BodyTooLarge extends Error {}

/**
 * The request body, read with 'data' / 'end' listeners (an async iterator over the request costs a stream iterator
 * and promises per event).
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge(`event body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        reject(new BodyTooLarge(`event body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once("error", reject);
    req.once("aborted", () => reject(new Error("request aborted")));
  });
}

/** The event as a plain object (attributes, extensions, data), or why it is not a CloudEvent. */
function parseEvent(headers: IncomingMessage["headers"], body: Buffer): EventLike | string {
  // The SDK builds two ValidationErrors up front for every JSON payload it parses, each capturing a stack trace
  // (half of its parse time); only an error's message is ever used here.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const parsed = HTTP.toEvent({ headers, body: body.toString("utf8") });
    if (Array.isArray(parsed)) return "batched CloudEvents are not accepted: send one event per request";
    return parsed as unknown as EventLike;
  } catch (err) {
    return `not a valid CloudEvent: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

export async function startHttpServer(options: HttpOptions): Promise<RunningServer> {
  const { service, metrics, logger } = options;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 256);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | null = null;

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };
  const sendJson = (
    res: ServerResponse,
    status: number,
    value: unknown,
    headers: Record<string, string> = {},
  ) => send(res, status, `${JSON.stringify(value)}\n`, headers);

  const sendAnswer = (res: ServerResponse, answer: Answer, subject: string | undefined) => {
    // The answer is itself a binary-mode CloudEvent, so a Knative reply or a linked sink can forward it.
    const reply = HTTP.binary(
      new CloudEvent({
        type: RESULT_TYPE,
        source: RESULT_SOURCE,
        id: randomUUID(),
        datacontenttype: "application/json",
        ...(subject ? { subject } : {}),
        data: answer.document,
      }),
    );
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.headers))
      if (typeof v === "string") headers[k.toLowerCase()] = v;
    if (answer.retryAfter !== undefined) headers["retry-after"] = String(answer.retryAfter);
    send(res, answer.status, String(reply.body), headers);
  };

  const handleEvent = async (req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      metrics.events.inc({ outcome: "rejected" });
      return sendJson(res, 503, bareDocument("", failed("shutting down", "the service is draining")), {
        "Retry-After": "5",
        Connection: "close",
      });
    }
    if (inFlight >= maxInFlight) {
      metrics.events.inc({ outcome: "rejected" });
      req.resume();
      return sendJson(
        res,
        429,
        bareDocument("", failed("too many events in flight", `limit ${maxInFlight}`)),
        {
          "Retry-After": "1",
        },
      );
    }
    inFlight++;
    metrics.inFlight.set(inFlight);
    const timer = metrics.latency.startTimer();
    try {
      let body: Buffer;
      try {
        body = await readBody(req, maxBody);
      } catch (err) {
        if (!(err instanceof BodyTooLarge)) throw err;
        metrics.events.inc({ outcome: "skipped" });
        res.setHeader("Connection", "close");
        return sendJson(res, 413, bareDocument("", skipped(err.message)));
      }
      const event = parseEvent(req.headers, body);
      if (typeof event === "string") {
        metrics.events.inc({ outcome: "skipped" });
        logger.info({ reason: event }, "malformed event");
        return sendJson(res, 400, bareDocument("", skipped(event)));
      }
      const answer = await service.handle(event);
      sendAnswer(res, answer, typeof event.id === "string" ? event.id : undefined);
    } finally {
      timer();
      inFlight--;
      metrics.inFlight.set(inFlight);
      if (inFlight === 0 && idle) idle();
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST") return handleEvent(req, res);
    if (req.method === "GET" || req.method === "HEAD") {
      const path = new URL(req.url ?? "/", "http://serve").pathname;
      if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
      if (path === "/readyz") {
        if (draining) return sendJson(res, 503, { status: "draining" });
        const problem = await service.readiness();
        return problem === null
          ? sendJson(res, 200, { status: "ready" })
          : sendJson(res, 503, { status: "not ready", reason: problem });
      }
      if (path === "/metrics") {
        const text = await metrics.text();
        res.writeHead(200, { "Content-Type": metrics.contentType });
        return res.end(text);
      }
      return sendJson(res, 404, { error: `no resource ${path}` });
    }
    return sendJson(res, 405, { error: `method ${req.method} not allowed` }, { Allow: "GET, POST" });
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, "internal error");
      if (!res.headersSent) sendJson(res, 500, bareDocument("", failed("internal error", String(err))));
      else res.destroy();
    });
  });
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (options.socket) server.listen(options.socket, () => resolve());
    else server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const url =
    typeof address === "string"
      ? `unix:${address}`
      : `http://${(address as AddressInfo).family === "IPv6" ? `[${(address as AddressInfo).address}]` : (address as AddressInfo).address}:${(address as AddressInfo).port}`;

  return {
    url,
    server,
    drain: async (timeoutMs) => {
      draining = true;
      server.close();
      server.closeIdleConnections();
      const settled =
        inFlight === 0 ||
        (await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), timeoutMs);
          idle = () => {
            clearTimeout(timer);
            resolve(true);
          };
        }));
      await service.drain();
      server.closeAllConnections();
      return settled;
    },
  };
}
