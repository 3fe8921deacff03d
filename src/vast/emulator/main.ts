#!/usr/bin/env node
/** `vast-emulator`: a local VAST DataBase tabular endpoint for development and tests. */
import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { addNotifyOptions, type NotifyCliOptions, notifyOptionsFrom } from "./notify/cli-options.js";
import { fraction, nonNegative } from "./option-parsers.js";
import { ADMIN_PREFIX, DEFAULT_VAST_VERSION, startEmulator } from "./server.js";

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command("vast-emulator")
  .description(
    "Serve VAST DataBase's tabular HTTP API locally (schemas, tables, columns, transactions, insert/update/delete, " +
      "queries with predicate pushdown) so the official vastdb SDK and exr-inspector's client can run without a cluster.",
  )
  .option("--port <port>", "TCP port to listen on (0 = pick a free one)", nonNegative, 9090)
  .option("--host <host>", "interface to bind", "127.0.0.1")
  .option(
    "--access-key <key>",
    "accepted access key (repeatable, paired in order with --secret-key)",
    collect,
    [],
  )
  .option("--secret-key <secret>", "secret of the preceding access key (repeatable)", collect, [])
  .option(
    "--verify-signatures",
    "recompute each SigV4 signature with the key's secret (403 SignatureDoesNotMatch); the default",
  )
  .option(
    "--no-verify-signatures",
    "only check the access key, not the signature (faster; any secret is accepted)",
  )
  .option("--bucket <name>", "bucket to serve (repeatable; default: vastdb)", collect, [])
  .option("--data-dir <dir>", "persist committed state in this directory and reload it at start")
  .option("--vast-version <x.y.z.w>", "version advertised in the Server header", DEFAULT_VAST_VERSION)
  .addOption(
    new Option("--fault-slowdown <fraction>", "fraction of requests answered 503 SlowDown")
      .argParser(fraction)
      .default(0),
  )
  .addOption(
    new Option("--fault-error500 <fraction>", "fraction of requests answered 500")
      .argParser(fraction)
      .default(0),
  )
  .addOption(
    new Option("--fault-drop <fraction>", "fraction of connections dropped without answer")
      .argParser(fraction)
      .default(0),
  )
  .addOption(
    new Option("--latency-ms <ms>", "latency added to every request").argParser(nonNegative).default(0),
  )
  .addOption(
    new Option(
      "--tx-idle-timeout <seconds>",
      "an idle transaction stops blocking others' DDL after this long",
    )
      .argParser(nonNegative)
      .default(600),
  )
  .option("--tls-cert <file>", "serve https with this PEM certificate (chain); needs --tls-key")
  .option("--tls-key <file>", "PEM private key of --tls-cert")
  .option("--quiet", "do not log internal errors to stderr");
addNotifyOptions(program).addHelpText(
  "after",
  `
The first line on stdout is "listening on http://HOST:PORT" (https:// with --tls-cert; useful with --port 0).
With no --access-key every request is accepted; otherwise requests signed with another key, or (unless
--no-verify-signatures) with the wrong secret, get 403.
Faults can also be changed at run time:
  curl -X POST http://HOST:PORT${ADMIN_PREFIX}/faults -d '{"slowdown":0.1,"error500":0,"drop":0.05,"latency_ms":20}'
  curl http://HOST:PORT${ADMIN_PREFIX}/faults
With --notify: delivery counters at GET ${ADMIN_PREFIX}/notify; re-send events for existing objects with
  curl -X POST http://HOST:PORT${ADMIN_PREFIX}/replay -d '{"bucket":"b","prefix":"shots/"}'
See docs/vast-emulator.md.`,
);

program.parse();
const o = program.opts<
  NotifyCliOptions & {
    port: number;
    host: string;
    accessKey: string[];
    secretKey: string[];
    bucket: string[];
    dataDir?: string;
    vastVersion: string;
    faultSlowdown: number;
    faultError500: number;
    faultDrop: number;
    latencyMs: number;
    txIdleTimeout: number;
    quiet?: boolean;
    verifySignatures?: boolean;
    tlsCert?: string;
    tlsKey?: string;
  }
>();

if (o.accessKey.length !== o.secretKey.length)
  program.error("every --access-key needs a matching --secret-key");
if (!/^\d+\.\d+\.\d+\.\d+$/.test(o.vastVersion)) program.error("--vast-version must look like 5.4.0.0");
if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
  program.error("--tls-cert and --tls-key go together");

try {
  const notify = notifyOptionsFrom(o);
  const tls =
    o.tlsCert && o.tlsKey ? { cert: await readFile(o.tlsCert), key: await readFile(o.tlsKey) } : null;
  const emulator = await startEmulator({
    ...(tls ? { tls } : {}),
    ...(notify ? { notify } : {}),
    host: o.host,
    port: o.port,
    credentials: new Map(o.accessKey.map((k, i) => [k, o.secretKey[i]!])),
    buckets: o.bucket,
    dataDir: o.dataDir ?? null,
    vastVersion: o.vastVersion,
    faults: {
      slowdown: o.faultSlowdown,
      error500: o.faultError500,
      drop: o.faultDrop,
      latency_ms: o.latencyMs,
    },
    txIdleTimeoutMs: o.txIdleTimeout * 1000,
    verifySignatures: o.verifySignatures !== false,
    log: o.quiet ? () => {} : (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`listening on ${emulator.url}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  process.stderr.write(`vast-emulator: ${(err as Error).message}\n`);
  process.exit(1);
}
