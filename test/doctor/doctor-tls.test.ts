/**
 * `doctor`'s TLS line against the emulator serving https (`--tls-cert/--tls-key`) with a leaf certificate for
 * 127.0.0.1 signed by a throw-away CA, both made here with the `openssl` CLI: ✓ (and every other check ✓ over
 * https) when the CA is trusted through NODE_EXTRA_CA_CERTS, as doctor's fix says; ✗ with the verification error
 * and that fix when it is not.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../catalog/run-cli.js";
import { cliBuilt } from "../serve/serve-process.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { vastEnv } from "../vast/client/writer-fleet.js";

const run = promisify(execFile);
const ACCESS = "TlsAccW3";
const SECRET = "TlsSecR8Jd2Kq5";
let dir: string;
let emu: EmulatorHandle | undefined;

/** A CA and a leaf for 127.0.0.1 signed by it (EC P-256: fast to make). */
async function makeCertificates(into: string): Promise<{ ca: string; cert: string; key: string }> {
  const f = (name: string) => path.join(into, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await run(
    "openssl",
    ["req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2"].concat([
      "-subj",
      "/CN=exr-inspector test CA",
    ]),
  );
  await writeFile(f("leaf.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  await run(
    "openssl",
    ["req", "-new", ...ec, "-keyout", f("leaf.key"), "-out", f("leaf.csr")].concat([
      "-subj",
      "/CN=127.0.0.1",
    ]),
  );
  await run(
    "openssl",
    ["x509", "-req", "-in", f("leaf.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key")].concat([
      "-CAcreateserial",
      "-out",
      f("leaf.pem"),
      "-days",
      "2",
      "-extfile",
      f("leaf.ext"),
    ]),
  );
  return { ca: f("ca.pem"), cert: f("leaf.pem"), key: f("leaf.key") };
}

beforeAll(async () => {
  if (!cliBuilt) return;
  dir = await mkdtemp(path.join(tmpdir(), "exr-doctor-tls-"));
  const { cert, key } = await makeCertificates(dir);
  emu = await startTestEmulator([
    "--access-key",
    ACCESS,
    "--secret-key",
    SECRET,
    "--tls-cert",
    cert,
    "--tls-key",
    key,
  ]);
}, 60_000);
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function envFor(url: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...vastEnv(testConfig(url)),
    VAST_DB_ACCESS_KEY: ACCESS,
    VAST_DB_SECRET_KEY: SECRET,
    NODE_EXTRA_CA_CERTS: "",
    ...extra,
  };
  for (const k of Object.keys(env)) if (k.startsWith("AWS_") || k.startsWith("S3_")) delete env[k];
  return env;
}

function line(stdout: string, name: string): string | undefined {
  return stdout.split("\n").find((l) => l.startsWith(`✓ ${name}:`) || l.startsWith(`✗ ${name}:`));
}

describe.skipIf(!cliBuilt)("doctor over https", () => {
  it("passes the TLS check and all the others with the CA trusted, and names the fix without it", async () => {
    const url = emu!.url;
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trusted = envFor(url, { NODE_EXTRA_CA_CERTS: path.join(dir, "ca.pem") });
    expect((await runCli(["db", "init", "--backend", "vast"], trusted)).code).toBe(0);
    const ok = await runCli(["doctor", "--backend", "vast"], { ...trusted });
    expect(line(ok.stdout, "VAST endpoint TLS")).toMatch(
      /^✓ VAST endpoint TLS: TLSv1\.[23], certificate for 127\.0\.0\.1 valid to .*\(tried: TLS handshake with 127\.0\.0\.1:\d+, certificate verified/,
    );
    expect(ok.stdout).not.toContain("✗");
    expect(ok.stdout).toMatch(/all \d+ checks passed/);
    expect(ok.code).toBe(0);

    const untrusted = await runCli(
      ["doctor", "--backend", "vast"],
      envFor(url, { VAST_DB_SCHEMA: trusted.VAST_DB_SCHEMA }),
    );
    expect(untrusted.code).toBe(1);
    expect(line(untrusted.stdout, "VAST endpoint TCP")).toMatch(/^✓/);
    expect(line(untrusted.stdout, "VAST endpoint TLS")).toMatch(
      /^✗ VAST endpoint TLS: .*(self[- ]signed|unable to (get local issuer|verify)).*fix: install the cluster's CA \(NODE_EXTRA_CA_CERTS\)/,
    );
    expect(untrusted.stdout + untrusted.stderr).not.toContain(SECRET.slice(0, 6));
  }, 120_000);
});
