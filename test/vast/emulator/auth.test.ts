import { createHash } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { checkAccess, parseAuthorization, type SignedRequest } from "../../../src/vast/emulator/auth.js";
import type { EmulatorError } from "../../../src/vast/emulator/errors.js";

const keys = new Map([["AK", "secret"]]);

async function signed(
  method: string,
  rawUrl: string,
  body: Uint8Array,
  secret = "secret",
  extraHeaders: Record<string, string> = {},
): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: "s3",
    region: "",
    credentials: { accessKeyId: "AK", secretAccessKey: secret },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const url = new URL(`http://127.0.0.1:9090${rawUrl}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const payloadHash = createHash("sha256").update(body).digest("hex");
  const out = await signer.sign(
    {
      method,
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 9090,
      path: url.pathname,
      query,
      headers: { host: "127.0.0.1:9090", "x-amz-content-sha256": payloadHash, ...extraHeaders },
    },
    { signingDate: new Date("2026-01-02T03:04:05Z") },
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = String(v);
  return { method, rawUrl, headers, body };
}

const code = (fn: () => void): string => {
  try {
    fn();
    return "ok";
  } catch (err) {
    return (err as EmulatorError).code;
  }
};

describe("SigV4 checks", () => {
  it("accepts a correctly signed request, with and without a query value", async () => {
    const body = new TextEncoder().encode("payload");
    const req = await signed("PUT", "/vastdb/s/t?table&tabular-new-table-name=s%2Fu", body);
    expect(parseAuthorization(req.headers.authorization)?.signedHeaders).toContain("host");
    expect(code(() => checkAccess(req, keys, true))).toBe("ok");
    const probe = await signed("GET", "/?transaction", new Uint8Array(0));
    expect(code(() => checkAccess(probe, keys, true))).toBe("ok");
  });

  it("canonicalizes signed header values as SigV4 does: trimmed, runs of whitespace as one space", async () => {
    const empty = new Uint8Array(0);
    const values = ["bytes=0-1", " bytes=0-1", "bytes=0-1 ", "a  b", "a\tb", '"e" , "f"', "a b c"];
    for (const value of values) {
      const req = await signed("GET", "/b/k.exr", empty, "secret", { range: value });
      expect(parseAuthorization(req.headers.authorization)?.signedHeaders).toContain("range");
      expect([value, code(() => checkAccess(req, keys, true))]).toEqual([value, "ok"]);
      // The same signature does not cover another value.
      const changed = { ...req, headers: { ...req.headers, range: `${value}0` } };
      expect([value, code(() => checkAccess(changed, keys, true))]).toEqual([value, "SignatureDoesNotMatch"]);
    }
  });

  it("refuses a wrong secret, a tampered body or path, and unknown keys", async () => {
    const body = new TextEncoder().encode("payload");
    const wrongSecret = await signed("POST", "/b/s?schema", body, "other");
    expect(code(() => checkAccess(wrongSecret, keys, true))).toBe("SignatureDoesNotMatch");
    const req = await signed("POST", "/b/s?schema", body);
    expect(code(() => checkAccess({ ...req, body: new TextEncoder().encode("tampered") }, keys, true))).toBe(
      "SignatureDoesNotMatch",
    );
    expect(code(() => checkAccess({ ...req, rawUrl: "/b/x?schema" }, keys, true))).toBe(
      "SignatureDoesNotMatch",
    );
    expect(code(() => checkAccess(req, new Map([["OTHER", "x"]]), true))).toBe("InvalidAccessKeyId");
    expect(code(() => checkAccess({ ...req, headers: {} }, keys))).toBe("AccessDenied");
    // without verification only the key is checked
    expect(code(() => checkAccess({ ...req, rawUrl: "/b/x?schema" }, keys, false))).toBe("ok");
  });
});
