/**
 * The HTTP front of the emulator: authentication, fault injection, the admin endpoint and dispatch of the
 * tabular API (`/{bucket}[/{schema…}][/{table}]?{command}`) and of the S3 object API (everything else) to
 * their handlers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { encodeFailedFrame } from "../protocol/query-response.js";
import { encodeS3Error } from "../protocol/s3-error.js";
import { checkAccess } from "./auth.js";
import { emptyCatalog } from "./catalog.js";
import { EmulatorError } from "./errors.js";
import { FaultInjector, type FaultSettings } from "./faults.js";
import { type Reply, TabularHandlers } from "./handlers.js";
import { MAX_TABULAR_BODY_BYTES } from "./limits.js";
import { Notifier, type NotifyOptions } from "./notify/notifier.js";
import { replayObjects } from "./notify/replay.js";
import { Persistence } from "./persistence.js";
import { ObjectStore } from "./s3/object-store.js";
import { isTabularRequest } from "./s3/routing.js";
import { S3Handlers } from "./s3/s3-handlers.js";
import { TransactionManager } from "./transactions.js";

/** Admin path prefix; bucket names cannot start with "_", so it never collides with the tabular API. */
export const ADMIN_PREFIX = "/_emulator";

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** access key → secret key; empty = accept any signature. */
  credentials?: ReadonlyMap<string, string>;
  buckets?: readonly string[];
  dataDir?: string | null;
  vastVersion?: string;
  faults?: Partial<FaultSettings>;
  /** Recompute SigV4 signatures with the key's secret (default true; false: only the access key is checked). */
  verifySignatures?: boolean;
  /** Idle transactions stop blocking other transactions' DDL after this long (default 10 minutes). */
  txIdleTimeoutMs?: number;
  log?: (line: string) => void;
  /** Object notifications (`--notify`): a CloudEvent per completed object write, to this sink. */
  notify?: NotifyOptions;
  /** Serve https with this certificate chain and key (PEM) instead of http. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface RunningEmulator {
  url: string;
  port: number;
  server: Server;
  faults: FaultInjector;
  /** Present with `notify`. */
  notifier: Notifier | null;
  close(): Promise<void>;
}

export const DEFAULT_VAST_VERSION = "5.4.0.0";

/** Error code carried by the emulator's "query failed" frame (VAST's codes are internal; 500 reads as what it is). */
const QUERY_FAILED_ERROR_CODE = 500n;

/** Request bodies above this are refused (S3 PUTs and parts; tabular requests are limited to 5 MiB). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

const NO_BODY = new Uint8Array(0);

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  // Neither header: the request has no body (RFC 9112 §6.3), and nothing is left to read. node:http drains an
  // unread request when the answer finishes, so the GET path skips the stream iterator it would set up.
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined)
    return NO_BODY;
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new EmulatorError(400, "EntityTooLarge", `body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new EmulatorError(400, "EntityTooLarge", `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const buckets = options.buckets?.length ? options.buckets : ["vastdb"];
  const persistence = options.dataDir ? new Persistence(options.dataDir) : null;
  const loaded = persistence ? await persistence.load(buckets) : null;
  const txm = new TransactionManager(
    loaded?.state ?? emptyCatalog(buckets),
    loaded?.counters ?? { nextTableId: 1, rowIds: new Map() },
    async (state) => {
      if (persistence) await persistence.save(state, txm.counters);
    },
    options.txIdleTimeoutMs ?? 600_000,
  );
  const host = options.host ?? "127.0.0.1";
  const store = await ObjectStore.open(options.dataDir ?? null, buckets);
  const handlers = new TabularHandlers(
    txm,
    {
      vips:
        /^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== "0.0.0.0"
          ? [{ startAddress: host, addressCount: 1 }]
          : [],
      rcfId: "E1:vast-emulator",
    },
    store,
  );
  const objects = new S3Handlers(store);
  const notifier = options.notify ? new Notifier({ log: options.log, ...options.notify }) : null;
  if (notifier)
    objects.onObjectCreated = (bucket, o, eventName) =>
      notifier.objectCreated({
        bucket,
        key: o.key,
        size: o.size,
        etag: o.etag,
        eventName,
        time: o.lastModified,
      });
  const faults = new FaultInjector(options.faults ?? {});
  const credentials = options.credentials ?? new Map<string, string>();
  const serverHeader = `vast ${options.vastVersion ?? DEFAULT_VAST_VERSION}`;
  const log = options.log ?? (() => {});

  const sendError = (res: ServerResponse, err: EmulatorError, method: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = method === "HEAD" ? "" : encodeS3Error({ code: err.code, message: err.message });
    res.writeHead(err.status, { Server: serverHeader, "Content-Type": "application/xml", ...err.headers });
    res.end(body);
  };

  const sendReply = async (res: ServerResponse, reply: Reply) => {
    res.writeHead(reply.status ?? 200, { Server: serverHeader, ...reply.headers });
    if (reply.stream) {
      const breakOff = reply.query === true && faults.failQuery();
      try {
        for await (const chunk of reply.stream) {
          if (!res.write(chunk)) await new Promise<void>((r) => res.once("drain", r));
          if (res.destroyed) return;
          if (breakOff) throw new Error("injected query failure (query_failure fault)");
        }
      } catch (err) {
        // Headers are gone: tell the client with VAST's "query failed" stream id.
        log(`query failed mid-stream: ${(err as Error).stack ?? String(err)}`);
        res.write(encodeFailedFrame(QUERY_FAILED_ERROR_CODE));
      }
      res.end();
    } else {
      res.end(reply.body ?? "");
    }
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { Server: serverHeader, "Content-Type": "application/json" });
      res.end(`${JSON.stringify(value)}\n`);
    };
    if (path === `${ADMIN_PREFIX}/faults` && req.method === "GET") return json(200, faults.current);
    if (path === `${ADMIN_PREFIX}/faults` && (req.method === "POST" || req.method === "PUT")) {
      const text = Buffer.from(await readBody(req)).toString("utf8");
      let patch: unknown;
      try {
        patch = JSON.parse(text || "{}");
      } catch {
        return json(400, { error: "body must be a JSON object" });
      }
      if (typeof patch !== "object" || patch === null || Array.isArray(patch))
        return json(400, { error: "body must be a JSON object" });
      try {
        return json(200, faults.update(patch as Record<string, unknown>));
      } catch (err) {
        return json(400, { error: (err as Error).message });
      }
    }
    if (path === `${ADMIN_PREFIX}/health` && req.method === "GET") return json(200, { ok: true });
    if (path === `${ADMIN_PREFIX}/notify` && req.method === "GET")
      return notifier ? json(200, notifier.stats) : json(404, { error: "started without --notify" });
    if (path === `${ADMIN_PREFIX}/replay` && req.method === "POST") {
      if (!notifier) return json(404, { error: "started without --notify" });
      let request: { bucket?: unknown; prefix?: unknown };
      try {
        request = JSON.parse(Buffer.from(await readBody(req)).toString("utf8") || "{}");
      } catch {
        return json(400, { error: "body must be a JSON object" });
      }
      const bucket = typeof request.bucket === "string" ? request.bucket : undefined;
      const prefix = typeof request.prefix === "string" ? request.prefix : undefined;
      if (bucket !== undefined && !store.hasBucket(bucket))
        return json(404, { error: `no bucket ${bucket}` });
      return json(200, {
        published: replayObjects(store, notifier, {
          ...(bucket !== undefined ? { bucket } : {}),
          ...(prefix !== undefined ? { prefix } : {}),
        }),
      });
    }
    if (path === `${ADMIN_PREFIX}/s3-traffic` && req.method === "GET") return json(200, objects.traffic);
    if (path === `${ADMIN_PREFIX}/s3-traffic` && req.method === "DELETE") {
      const until = { ...objects.traffic };
      Object.assign(objects.traffic, { requests: 0, get_requests: 0, bytes_served: 0, max_in_flight: 0 });
      return json(200, until);
    }
    return json(404, { error: `no admin endpoint ${req.method} ${path}` });
  };

  let s3InFlight = 0;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    const admin = url.pathname.startsWith(ADMIN_PREFIX);
    const tabular = !admin && isTabularRequest(url);
    const s3Request = !admin && !tabular;
    if (s3Request) {
      s3InFlight++;
      objects.traffic.max_in_flight = Math.max(objects.traffic.max_in_flight, s3InFlight);
      res.once("close", () => s3InFlight--);
    }
    void (async () => {
      try {
        if (admin) return await handleAdmin(req, res, url.pathname);
        const latency = faults.current.latency_ms;
        if (latency > 0) await new Promise((r) => setTimeout(r, latency));
        // A HEAD answer has no body to carry the S3 error code, so only drops apply to it.
        const decided = faults.decide();
        const fault = method === "HEAD" && decided !== "drop" ? "none" : decided;
        if (fault === "drop") {
          req.socket.destroy();
          return;
        }
        if (fault === "slowdown")
          throw new EmulatorError(503, "SlowDown", "Please reduce your request rate (injected fault).");
        if (fault === "error500")
          throw new EmulatorError(500, "InternalError", "We encountered an internal error (injected fault).");
        const body = await readBody(req);
        checkAccess(
          { method, rawUrl: req.url ?? "/", headers: req.headers, body },
          credentials,
          options.verifySignatures !== false,
        );
        if (tabular && body.length > MAX_TABULAR_BODY_BYTES)
          throw new EmulatorError(
            400,
            "EntityTooLarge",
            `request body of ${body.length} bytes is over the tabular API's ${MAX_TABULAR_BODY_BYTES}-byte limit`,
          );
        const reply = tabular
          ? await handlers.handle(method, url, req.headers, body)
          : await objects.handle(method, req.url ?? "/", req.headers, body, url);
        await sendReply(res, reply);
      } catch (err) {
        if (err instanceof EmulatorError) return sendError(res, err, method);
        log(`internal error on ${method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
        sendError(res, new EmulatorError(500, "InternalError", (err as Error).message), method);
      }
    })();
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createServer(onRequest);
  // Long idle keep-alive: a client that computes for minutes between two requests (the official SDK's
  // test_zip_imports_scale builds a million rows in Python between calls) would otherwise send into a connection the
  // emulator is closing at that moment and see "Connection reset by peer".
  server.keepAliveTimeout = 600_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 9090, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? "https" : "http"}://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    server,
    faults,
    notifier,
    close: async () => {
      await notifier?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
