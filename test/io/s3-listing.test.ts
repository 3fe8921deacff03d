import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteContext, resolveInputs } from "../../src/io/remote-inputs.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** A million keys through the default (direct) listing; the SDK's listing, ~10× slower per key, on fewer. */
const TOTAL = 1_000_000;
const SDK_TOTAL = 50_000;
const key = (i: number) =>
  `shots/sq${String(Math.floor(i / 10_000)).padStart(3, "0")}/beauty/beauty.${String(i).padStart(7, "0")}.exr`;

/**
 * A listing generator: answers ListObjectsV2 for a bucket of TOTAL keys, page by page as S3 does (continuation
 * token, max-keys, IsTruncated), without holding the keys anywhere.
 */
function listingGenerator(total: () => number): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://listing");
    if (url.searchParams.get("list-type") !== "2") {
      res.writeHead(400).end();
      return;
    }
    const start = Number(url.searchParams.get("continuation-token") ?? 0);
    const max = Number(url.searchParams.get("max-keys") ?? 1000);
    const TOTAL = total();
    const end = Math.min(TOTAL, start + max);
    const parts = [
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>renders</Name><Prefix>shots/</Prefix><KeyCount>${end - start}</KeyCount><MaxKeys>${max}</MaxKeys>`,
      `<IsTruncated>${end < TOTAL}</IsTruncated>`,
      end < TOTAL ? `<NextContinuationToken>${end}</NextContinuationToken>` : "",
    ];
    for (let i = start; i < end; i++)
      parts.push(
        `<Contents><Key>${key(i)}</Key><LastModified>2026-12-07T09:00:00.000Z</LastModified>`,
        `<ETag>&quot;${i.toString(16).padStart(32, "0")}&quot;</ETag><Size>${5_000_000 + i}</Size></Contents>`,
      );
    parts.push("</ListBucketResult>");
    res.writeHead(200, { "content-type": "application/xml" }).end(parts.join(""));
  });
}

describe("listing a prefix of many keys", () => {
  let server: Server;
  let endpoint: string;
  let total = TOTAL;
  const saved = { ...process.env };
  beforeAll(async () => {
    server = listingGenerator(() => total);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "AK",
      AWS_SECRET_ACCESS_KEY: "SK",
      AWS_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/nonexistent/aws-config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    });
  });
  afterAll(async () => {
    process.env = saved;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it.each([
    { design: "direct" as const, keys: TOTAL },
    { design: "sdk" as const, keys: SDK_TOTAL },
  ])(
    "streams $keys keys ($design listing): every key in order, the heap stays flat",
    { timeout: 300_000 },
    async ({ design, keys }) => {
      total = keys;
      const context = new RemoteContext({ endpointUrl: endpoint, s3Gets: design });
      let seen = 0;
      let baseline = 0;
      let peakGrowth = 0;
      const step = keys / 10;
      try {
        for await (const entry of resolveInputs(["s3://renders/shots/"], context)) {
          if (entry.path !== `s3://renders/${key(seen)}`) throw new Error(`key ${seen} is ${entry.path}`);
          seen++;
          if (seen % step === 0) {
            gc();
            const used = process.memoryUsage().heapUsed;
            if (seen === step) baseline = used;
            else peakGrowth = Math.max(peakGrowth, used - baseline);
          }
        }
      } finally {
        context.close();
      }
      expect(seen).toBe(keys);
      // Kept entries would cost at least ~150 bytes each (key, ETag, date, object): 45,000 of them > 6 MB.
      expect(peakGrowth).toBeLessThan(4 * 2 ** 20);
    },
  );
});
