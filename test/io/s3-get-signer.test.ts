import { createHash } from "node:crypto";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, queryString, S3GetSigner } from "../../src/io/s3-get-signer.js";

/** The SDK's signer on the same GET: our signature must be byte-identical to it. */
async function sdkSignature(
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  host: string,
  path: string,
  headers: Record<string, string>,
  date: Date,
  query: Record<string, string> = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: "s3",
    region,
    credentials,
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: false,
    applyChecksum: false,
  });
  const [hostname, port] = host.split(":");
  const signed = await signer.sign(
    {
      method: "GET",
      protocol: "https:",
      hostname: hostname!,
      port: port ? Number(port) : undefined,
      path,
      query,
      headers: { ...headers, host, "x-amz-content-sha256": EMPTY_SHA256 },
    },
    { signingDate: date },
  );
  return signed.headers;
}

describe("S3GetSigner", () => {
  it("the payload hash of a GET is SHA-256 of nothing", () => {
    expect(EMPTY_SHA256).toBe(createHash("sha256").update("").digest("hex"));
  });

  const date = new Date("2026-12-07T09:30:05.123Z");
  const cases: {
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    host: string;
    path: string;
    headers: Record<string, string>;
  }[] = [
    {
      region: "us-east-1",
      credentials: {
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      },
      host: "127.0.0.1:9090",
      path: "/renders/shot%20010/beauty.1001.exr",
      headers: { range: "bytes=0-32767" },
    },
    {
      region: "eu-west-1",
      credentials: {
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: "secret",
        sessionToken: "token/with+chars==",
      },
      host: "my-bucket.s3.eu-west-1.amazonaws.com",
      path: "/a/b%28c%29%21.exr",
      headers: { range: "bytes=5242880-5242887", "if-match": '"9b2cf535f27731c974343645a3985328"' },
    },
    {
      // Values are trimmed and inner runs of spaces folded to one in the canonical request.
      region: "us-west-2",
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      host: "127.0.0.1:9090",
      path: "/b/k.exr",
      headers: { range: "  bytes=0-1  ", "if-match": '"a   b"  ', "x-note": "a \t b" },
    },
    {
      // One trailing or leading space, a lone tab, single inner spaces: only the first three change.
      region: "us-east-1",
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      host: "127.0.0.1:9090",
      path: "/b/k.exr",
      headers: { range: "bytes=0-1 ", "if-match": ' "e"', "x-tab": "a\tb", "x-note": "a b c" },
    },
  ];

  it.each(cases)("signs a ranged GET exactly as the SDK's SignatureV4 ($region)", async (c) => {
    const ours = new S3GetSigner(c.region).sign(
      { host: c.host, path: c.path, headers: c.headers, date },
      c.credentials,
    );
    const sdk = await sdkSignature(c.region, c.credentials, c.host, c.path, c.headers, date);
    expect(ours.authorization).toBe(sdk.authorization);
    expect(ours["x-amz-date"]).toBe(sdk["x-amz-date"]);
    if (c.credentials.sessionToken) expect(ours["x-amz-security-token"]).toBe(c.credentials.sessionToken);
  });

  it("signs a ListObjectsV2 page request (query string) exactly as the SDK's SignatureV4", async () => {
    const query = {
      "list-type": "2",
      "max-keys": "1000",
      prefix: "shots/sq 010/(take*2)!/",
      "continuation-token": "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=",
    };
    const credentials = {
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    };
    const host = "127.0.0.1:9090";
    const ours = new S3GetSigner("us-east-1").sign(
      { host, path: "/renders", headers: {}, date, query },
      credentials,
    );
    const sdk = await sdkSignature("us-east-1", credentials, host, "/renders", {}, date, query);
    expect(ours.authorization).toBe(sdk.authorization);
    expect(queryString(query)).toBe(
      "continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&list-type=2&max-keys=1000&prefix=shots%2Fsq%20010%2F%28take%2A2%29%21%2F",
    );
  });

  it("renews the signing key when the day or the secret changes", async () => {
    const signer = new S3GetSigner("us-east-1");
    const c = cases[0]!;
    const later = new Date("2026-12-08T00:00:01Z");
    signer.sign({ host: c.host, path: c.path, headers: c.headers, date }, c.credentials);
    const rotated = { ...c.credentials, secretAccessKey: "rotated" };
    for (const [when, creds] of [
      [later, c.credentials],
      [later, rotated],
    ] as const) {
      const ours = signer.sign({ host: c.host, path: c.path, headers: c.headers, date: when }, creds);
      const sdk = await sdkSignature("us-east-1", creds, c.host, c.path, c.headers, when);
      expect(ours.authorization).toBe(sdk.authorization);
    }
  });
});
