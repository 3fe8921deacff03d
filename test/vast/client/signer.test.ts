/**
 * SigV4 as a VAST server checks it: signatures of our signer are re-derived by python/vast_interop/verify_sigv4.py
 * with the canonicalization and key derivation of `aws_requests_auth` (the official SDK's signer).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RequestSigner } from "../../../src/vast/client/signer.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
// EXR_INSPECTOR_PYTHON: set by `npm run test:mutation`, whose sandbox copy of the repo has no .venv
const PYTHON = process.env.EXR_INSPECTOR_PYTHON ?? path.join(ROOT, ".venv/bin/python");
const hasAuthLib =
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ["-c", "import aws_requests_auth"], { stdio: "ignore" }).status === 0;

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const CASES: { method: string; url: string; body?: Uint8Array }[] = [
  { method: "GET", url: "http://127.0.0.1:9090/?transaction" },
  {
    method: "POST",
    url: "http://vast.example:8080/bucket/exr_metadata/files?rows",
    body: Uint8Array.of(1, 2, 3, 255),
  },
  { method: "GET", url: "http://vast.example/bucket/a/b?schema" },
  { method: "PUT", url: "http://vast.example/b/s/t?table&tabular-new-table-name=s%2Fnew" },
  { method: "HEAD", url: "https://vast.example/bucket" },
  // Parameters out of order: the canonical query sorts them.
  { method: "GET", url: "http://vast.example/bucket/s/t?tabular-schema&columns&b=2&a=1" },
];

async function signAll(secret: string) {
  const signer = new RequestSigner("AKIDEXAMPLE", secret, "");
  return Promise.all(
    CASES.map(async (c) => {
      const url = new URL(c.url);
      const headers = await signer.sign({ method: c.method, url, body: c.body });
      return {
        method: c.method,
        url: c.url,
        headers: { ...headers, host: url.host } as Record<string, string>,
        body_hex: Buffer.from(c.body ?? []).toString("hex"),
        secret: SECRET,
      };
    }),
  );
}

function verify(requests: unknown[]): boolean[] {
  const run = spawnSync(PYTHON, [path.join(ROOT, "python/vast_interop/verify_sigv4.py")], {
    input: JSON.stringify(requests),
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout);
}

describe.skipIf(!hasAuthLib)(
  `SigV4 signatures verify with the official SDK's signing library${hasAuthLib ? "" : " (skipped: no .venv with aws_requests_auth; pip install -r python/requirements.txt)"}`,
  () => {
    it("accepts every request signed with the right secret", async () => {
      expect(verify(await signAll(SECRET))).toEqual(CASES.map(() => true));
    });

    it("rejects signatures made with another secret", async () => {
      expect(verify(await signAll(`${SECRET}x`))).toEqual(CASES.map(() => false));
    });

    it("dates the request in the basic ISO form, to the second, and scopes it to that day", async () => {
      const signer = new RequestSigner("AKIDEXAMPLE", SECRET, "");
      const headers = await signer.sign({
        method: "GET",
        url: new URL("http://vast.example/bucket"),
        body: undefined,
        date: new Date("2026-12-08T00:45:50.123Z"),
      });
      expect(headers["x-amz-date"]).toBe("20261208T004550Z");
      expect(headers.authorization).toContain("Credential=AKIDEXAMPLE/20261208//s3/aws4_request,");
    });

    it("signs for service s3 with the empty region, as the SDK does", async () => {
      const [first] = await signAll(SECRET);
      expect(first!.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/\/s3\/aws4_request/);
    });
  },
);
