import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { writeExr } from "../../src/core/write/write-exr.js";
import { inspect } from "../../src/inspect/inspect.js";
import { LOCAL_FIRST_READ_BYTES } from "../../src/inspect/inspect-file-sync.js";
import { inspectRemote } from "../../src/inspect/inspect-remote.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import { HttpSource } from "../../src/io/http-source.js";

const FAST = { retries: 2, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 };

/** A 64 MiB render: 256 chunks of 256 KiB (a size no socket buffer between the two ends can hide). */
const NOISE = new Uint8Array(256 * 1024).map((_, i) => (i * 2654435761) >>> 24);
const big = writeExr({
  parts: [
    {
      type: "scanlineimage",
      dataWindow: { min: [0, 0], max: [255, 4095] },
      channels: [{ name: "R", type: "half" }],
      compression: "zip",
      attributes: [{ name: "owner", type: "string", value: "plates" }],
      chunkData: () => NOISE,
    },
  ],
});
const small = sampleFiles(undefined).find((f) => f.name === "multipart_mixed.exr")!.bytes;

interface Served {
  /** Bytes the server managed to write, per request, until the client went away or the body ended. */
  written: number[];
  ranges: (string | undefined)[];
}

/** A plain HTTP file server that ignores Range (always 200 with the whole file), writing 64 KiB at a time. */
function rangeIgnoringServer(files: Record<string, Uint8Array>, served: Served): Server {
  return createServer((req, res) => {
    const body = files[req.url?.split("?")[0] ?? ""];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const index = served.written.push(0) - 1;
    served.ranges.push(req.headers.range);
    res.writeHead(200, {
      "content-length": String(body.length),
      "last-modified": "Mon, 07 Dec 2026 09:00:00 GMT",
    });
    let offset = 0;
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    const pump = () => {
      while (!closed && offset < body.length) {
        const chunk = body.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        served.written[index]! += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!closed) res.end();
    };
    pump();
  });
}

const local = (bytes: Uint8Array, path: string) =>
  inspect(new BufferSource(bytes, path), { initialReadBytes: LOCAL_FIRST_READ_BYTES });

function comparable(r: Awaited<ReturnType<typeof inspect>>) {
  const { etag: _e, requests: _r, mtime: _m, ...file } = r.file;
  return { ...r, file };
}

describe("HttpSource against a server that ignores Range", () => {
  const served: Served = { written: [], ranges: [] };
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = rangeIgnoringServer({ "/big.exr": big, "/small.exr": small }, served);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("gives the local result and stops each whole-object answer once it has what the read needs", async () => {
    expect(big.length).toBeGreaterThan(64 * 2 ** 20);
    served.written.length = 0;
    served.ranges.length = 0;
    const url = `${base}/big.exr?X-Amz-Signature=deadbeef&X-Amz-Credential=AKID`;
    const remote = await inspectRemote(() => new HttpSource(url, FAST));
    const expected = await local(big, `${base}/big.exr`);
    expect(comparable(remote)).toEqual(comparable(expected));
    expect(remote.file.bytes_read).toBe(expected.file.bytes_read);
    // Credentials in the query never reach the result.
    expect(JSON.stringify(remote)).not.toContain("deadbeef");
    expect(served.ranges[0]).toMatch(/^bytes=0-/);
    // The first read wanted 32 KiB of a 64 MiB answer: the connection was dropped long before its end
    // (what the server got out is bounded by the socket buffers, not by the object).
    expect(served.written[0]).toBeLessThan(big.length / 4);
  });

  it("reads a small object whole in one answer with the same result", async () => {
    const remote = await inspectRemote(() => new HttpSource(`${base}/small.exr`, FAST));
    expect(comparable(remote)).toEqual(comparable(await local(small, `${base}/small.exr`)));
  });

  it("a missing URL is EXR_SOURCE_NOT_FOUND, not retried", async () => {
    served.written.length = 0;
    const r = await inspectRemote(() => new HttpSource(`${base}/none.exr`, FAST));
    expect(r.validation.findings.map((f) => f.code)).toEqual(["EXR_SOURCE_NOT_FOUND"]);
    expect(r.file.requests).toBe(1);
  });
});
