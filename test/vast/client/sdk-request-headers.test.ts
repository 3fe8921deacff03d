/**
 * Both clients' requests, header by header: the official SDK (python/vast_interop/sdk_request_capture.py) and ours
 * run the same operations through a recording proxy in front of the emulator (signatures verified), and every
 * header of each operation must be the same, except the differences listed in EXPECTED_DIFFERENCES (each with its
 * reason). Values that change per request (dates, signatures, transaction ids, payload hashes) are compared by shape.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { Field, Int64, Schema, Uint64, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordBatch } from "../../../src/vast/client/arrow-batches.js";
import { VastConfig } from "../../../src/vast/client/config.js";
import { gt } from "../../../src/vast/client/predicate.js";
import { select } from "../../../src/vast/client/select.js";
import { VastSession } from "../../../src/vast/client/session.js";
import { type EmulatorHandle, startTestEmulator } from "./emulator-harness.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PYTHON = process.env.EXR_INSPECTOR_PYTHON ?? path.join(ROOT, ".venv/bin/python");
const hasSdk =
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import vastdb"], { stdio: "ignore" }).status === 0;

const execFileAsync = promisify(execFile);
const AK = "capture-access";
const SK = "capture-secret-key";

/** The operations both clients perform, by method and command (the first query key). */
const OPERATIONS = [
  "GET /?transaction", // version probe
  "POST /?transaction", // begin
  "HEAD /bucket",
  "GET /bucket?schema", // exists check before create
  "POST /bucket/schema?schema",
  "GET /bucket/schema?table",
  "POST /bucket/schema/table?table",
  "POST /bucket/schema/table?rows",
  "GET /bucket/schema/table?data",
  "PUT /bucket/schema/table?rows",
  "DELETE /bucket/schema/table?rows",
  "GET /bucket/schema/table?column",
  "GET /bucket/schema/table?stats",
  "PUT /?transaction", // commit
];

/** Headers that differ on purpose: name → why. Everything else must be identical (by value or by shape). */
const EXPECTED_DIFFERENCES: Record<string, string> = {
  "user-agent": "each client names itself (checked by pattern below)",
  accept: "python-requests adds `Accept: */*`; the server ignores it",
  "accept-encoding": "python-requests offers gzip/deflate; the server answers identity either way",
  "content-length":
    "Node sends none on a GET/HEAD without a body; requests sends `0` on such a POST/PUT (values compared where both send one)",
  "content-type":
    "python-requests labels the SDK's bodies application/x-www-form-urlencoded; the server reads a body by its command, ours are sent untyped",
  "tabular-split":
    "the SDK sizes its splits from GET ?stats (here forced to 1 split); ours always asks 1 split per data endpoint — value compared below",
};

interface Captured {
  key: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

/** An HTTP proxy that forwards to `target` untouched (Host header included, so signatures still verify). */
async function recordingProxy(target: URL): Promise<{ server: Server; url: string; log: Captured[] }> {
  const log: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      log.push({
        key: operationKey(req.method ?? "", req.url ?? ""),
        headers: req.headers,
        bodyBytes: body.length,
      });
      const out = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on("error", () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log };
}

function operationKey(method: string, rawUrl: string): string {
  const url = new URL(rawUrl, "http://x");
  const depth = url.pathname.split("/").filter((s) => s.length > 0).length;
  const where = ["/", "/bucket", "/bucket/schema", "/bucket/schema/table"][depth] ?? url.pathname;
  const command = url.search.slice(1).split("&")[0]!.split("=")[0]!;
  return `${method} ${where}${command ? `?${command}` : ""}`;
}

/** Header values that vary per request, reduced to their shape. */
function shape(name: string, value: string): string {
  switch (name) {
    case "authorization":
      return value
        .replace(/Credential=([^/]+)\/\d{8}\//, "Credential=$1/<date>/")
        .replace(/Signature=[0-9a-f]{64}$/, "Signature=<hex64>");
    case "x-amz-date":
      return /^\d{8}T\d{6}Z$/.test(value) ? "<amz-date>" : value;
    case "x-amz-content-sha256":
      return /^[0-9a-f]{64}$/.test(value) ? "<sha256>" : value;
    case "tabular-txid":
      return /^[1-9]\d*$/.test(value) ? "<txid>" : value;
    default:
      return value;
  }
}

/** The headers to compare; each client works in its own schema (`sdk_…` / `ours_…`), named alike here. */
function comparable(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name in EXPECTED_DIFFERENCES || value === undefined) continue;
    const text = (Array.isArray(value) ? value.join(",") : value).replace(/^(sdk|ours)_/, "<client>_");
    out[name] = shape(name, text);
  }
  return out;
}

async function runOurs(endpoint: string, bucket: string, schemaName: string): Promise<void> {
  const config = new VastConfig({ endpoint, accessKey: AK, secretKey: SK, bucket, schema: schemaName });
  const session = await VastSession.connect(config);
  try {
    const ref = { bucket, schema: schemaName, table: "t" };
    const arrow = new Schema([new Field("name", new Utf8(), true), new Field("n", new Int64(), true)]);
    await session.transaction(async (tx) => {
      await tx.assertBucket(bucket);
      if (!(await tx.schemaExists(bucket, schemaName))) await tx.createSchema(bucket, schemaName);
      if (!(await tx.tableExists(ref))) await tx.createTable(ref, arrow);
      const ids = await tx.insert(
        ref,
        recordBatch(arrow, [
          vectorFromArray(["a", "b", "c"], new Utf8()).data[0]!,
          vectorFromArray([1n, 2n, 3n], new Int64()).data[0]!,
        ]),
      );
      const rows = await select(tx, ref, arrow, {
        columns: ["name"],
        predicate: [gt("n", 1n)],
        internalRowId: true,
      });
      expect(rows.numRows).toBe(2);
      const updateSchema = new Schema([
        new Field("$row_id", new Uint64(), false),
        new Field("n", new Int64(), true),
      ]);
      await tx.update(
        ref,
        recordBatch(updateSchema, [
          vectorFromArray([ids[0]!], new Uint64()).data[0]!,
          vectorFromArray([9n], new Int64()).data[0]!,
        ]),
      );
      await tx.delete(ref, [ids[1]!]);
      await tx.columns(ref);
      await tx.stats(ref);
    });
  } finally {
    session.close();
  }
}

describe.skipIf(!hasSdk)(
  `requests header by header: ours = the official SDK's${hasSdk ? "" : " (skipped: no .venv with vastdb; pip install -r python/requirements.txt)"}`,
  () => {
    let emulator: EmulatorHandle;
    let proxy: Awaited<ReturnType<typeof recordingProxy>>;
    const sdk: Captured[] = [];
    const ours: Captured[] = [];

    beforeAll(async () => {
      emulator = await startTestEmulator(["--access-key", AK, "--secret-key", SK]);
      proxy = await recordingProxy(new URL(emulator.url));
      const tag = `${process.pid}_${Date.now()}`;
      // Asynchronously: the proxy runs in this process's event loop.
      const run = await execFileAsync(
        PYTHON,
        [
          path.join(ROOT, "python/vast_interop/sdk_request_capture.py"),
          proxy.url,
          AK,
          SK,
          "vastdb",
          `sdk_${tag}`,
        ],
        { encoding: "utf8", timeout: 60_000 },
      );
      expect(run.stdout.trim(), run.stderr).toBe("ok");
      sdk.push(...proxy.log.splice(0));
      await runOurs(proxy.url, "vastdb", `ours_${tag}`);
      ours.push(...proxy.log.splice(0));
    }, 90_000);

    afterAll(async () => {
      proxy?.server.closeAllConnections();
      await new Promise<void>((r) => (proxy ? proxy.server.close(() => r()) : r()));
      await emulator?.stop();
    });

    it("both clients performed every operation", () => {
      for (const op of OPERATIONS) {
        expect(
          sdk.map((c) => c.key),
          `SDK: ${op}`,
        ).toContain(op);
        expect(
          ours.map((c) => c.key),
          `ours: ${op}`,
        ).toContain(op);
      }
    });

    for (const op of OPERATIONS) {
      it(`${op}: the same headers`, () => {
        const theirs = sdk.find((c) => c.key === op)!;
        const mine = ours.find((c) => c.key === op)!;
        expect(comparable(mine.headers)).toEqual(comparable(theirs.headers));
        // The declared differences, checked for what they are.
        expect(String(theirs.headers["user-agent"])).toMatch(/^VAST Database Python SDK \d/);
        expect(String(mine.headers["user-agent"])).toMatch(/^exr-inspector\/\d+\.\d+\.\d+ \(/);
        if (mine.headers["content-length"] !== undefined && theirs.headers["content-length"] !== undefined) {
          if (mine.bodyBytes === theirs.bodyBytes) {
            expect(mine.headers["content-length"]).toBe(theirs.headers["content-length"]);
          }
        }
        if (op.endsWith("?data")) {
          expect(mine.headers["tabular-split"]).toBe(theirs.headers["tabular-split"]);
        }
      });
    }

    it("signs exactly the headers the SDK signs (host;x-amz-date)", () => {
      for (const c of [...sdk, ...ours]) {
        expect(String(c.headers.authorization)).toContain("SignedHeaders=host;x-amz-date,");
      }
    });
  },
);
