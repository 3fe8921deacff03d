/** A small HTTP endpoint for a worker without another server: `GET /metrics` (Prometheus text) and `GET /healthz`. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface MetricsSource {
  text(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  metrics: MetricsSource,
  host: string,
  port: number,
  healthy: () => boolean,
): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    if (path === "/healthz") {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "stopping\n");
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
      (err) => res.writeHead(500, { "content-type": "text/plain" }).end(String(err)),
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
