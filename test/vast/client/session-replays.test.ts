/**
 * VastSession's own rules against a scripted tabular server (a node:http server answering the version probe and the
 * transaction calls as each test says): which failed commits count as uncertain for later attempts, what `retrying`
 * replays and what it gives up, that a failed rollback never hides the caller's error, that `awaitRollback: false`
 * does not wait, the version pattern, and that connections are let go when connecting fails and on close().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VastConfig } from "../../../src/vast/client/config.js";
import {
  BadRequest,
  Conflict,
  ConnectionError,
  InternalServerError,
  SlowDown,
  UnsupportedServer,
} from "../../../src/vast/client/errors.js";
import { RetryBudget, type RetryEvent } from "../../../src/vast/client/retry-policy.js";
import { VastSession } from "../../../src/vast/client/session.js";

/** What the server does with one commit or rollback: answer with a status (and S3 code), or drop the connection. */
type Answer = { status: number; code?: string } | "drop" | { hold: Promise<void> };

interface Call {
  method: string;
  txid: string | undefined;
}

let server: Server;
let url = "";
let serverHeader = "vast 5.4.0.0";
let nextTxid = 100;
let probeStatus = 200;
let beginFailures = 0;
const urls: string[] = [];
const calls: Call[] = [];
const sockets = new Set<Socket>();
/** Scripted answers, consumed in order; an empty script answers 200. */
const commits: Answer[] = [];
const rollbacks: Answer[] = [];

function reply(res: ServerResponse, req: IncomingMessage, answer: Answer | undefined): void {
  if (answer === undefined) {
    res.end();
    return;
  }
  if (answer === "drop") {
    req.socket.destroy();
    return;
  }
  if ("hold" in answer) {
    void answer.hold.then(() => res.end());
    return;
  }
  res.statusCode = answer.status;
  res.end(answer.code ? `<Error><Code>${answer.code}</Code><Message>scripted</Message></Error>` : "");
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const txid = req.headers["tabular-txid"];
    calls.push({ method: req.method ?? "", txid: Array.isArray(txid) ? txid[0] : txid });
    urls.push(req.url ?? "");
    res.setHeader("Server", serverHeader);
    if (req.url !== "/?transaction") {
      res.statusCode = 404;
      res.end();
      return;
    }
    if (req.method === "GET") {
      res.statusCode = probeStatus;
      res.end();
    } else if (req.method === "POST" && beginFailures > 0) {
      beginFailures--;
      res.statusCode = 500;
      res.end();
    } else if (req.method === "POST") {
      res.setHeader("tabular-txid", String(nextTxid++));
      res.end();
    } else if (req.method === "PUT") reply(res, req, commits.shift());
    else if (req.method === "DELETE") reply(res, req, rollbacks.shift());
    else {
      res.statusCode = 405;
      res.end();
    }
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  calls.length = 0;
  urls.length = 0;
  probeStatus = 200;
  beginFailures = 0;
  commits.length = 0;
  rollbacks.length = 0;
  serverHeader = "vast 5.4.0.0";
});

const config = (extra: Partial<ConstructorParameters<typeof VastConfig>[0]> = {}) =>
  new VastConfig({
    endpoint: url,
    accessKey: "AK",
    secretKey: "SK",
    bucket: "vastdb",
    schema: "s",
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  });

async function withSession<T>(
  fn: (s: VastSession, events: RetryEvent[]) => Promise<T>,
  extra: Partial<ConstructorParameters<typeof VastConfig>[0]> = {},
): Promise<T> {
  const events: RetryEvent[] = [];
  const s = await VastSession.connect(config(extra), { onRetry: (e) => events.push(e), random: () => 0 });
  try {
    return await fn(s, events);
  } finally {
    s.close();
  }
}

const methods = () => calls.map((c) => c.method);
const settle = () => new Promise((r) => setTimeout(r, 30));

describe("VastSession.retrying: commits of unknown outcome", () => {
  it("a commit answered 500 makes every later attempt uncertain, even after a commit refused with 409", async () => {
    commits.push({ status: 500 }, { status: 409 });
    const seen: [number, boolean][] = [];
    const result = await withSession(async (s, events) => {
      const r = await s.retrying(async (_tx, attempt, uncertain) => {
        seen.push([attempt, uncertain]);
        return `attempt ${attempt}`;
      });
      expect(events.map((e) => [e.attempt, e.what, e.error.constructor.name])).toEqual([
        [1, "transaction", "InternalServerError"],
        [2, "transaction", "Conflict"],
      ]);
      return r;
    });
    expect(result).toBe("attempt 3");
    expect(seen).toEqual([
      [1, false],
      [2, true],
      [3, true],
    ]);
    // Each failed commit is followed by a rollback of the same transaction; every attempt opens its own.
    expect(calls.slice(1).map((c) => `${c.method} ${c.txid}`)).toEqual([
      "POST 0",
      "PUT 100",
      "DELETE 100",
      "POST 0",
      "PUT 101",
      "DELETE 101",
      "POST 0",
      "PUT 102",
    ]);
  });

  it("a commit whose connection drops is uncertain too", async () => {
    commits.push("drop");
    const seen: boolean[] = [];
    await withSession((s) =>
      s.retrying(async (_tx, _attempt, uncertain) => {
        seen.push(uncertain);
      }),
    );
    expect(seen).toEqual([false, true]);
  });

  it("a commit refused (409, then 408) is not: the replays are told it did not happen", async () => {
    commits.push({ status: 409 }, { status: 408 });
    const seen: boolean[] = [];
    await withSession((s) =>
      s.retrying(async (_tx, _attempt, uncertain) => {
        seen.push(uncertain);
      }),
    );
    expect(seen).toEqual([false, false, false]);
  });

  it("transaction() rethrows the commit's error as it came", async () => {
    commits.push({ status: 500 });
    const err = await withSession((s) => s.transaction(async () => 1)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).message).toBe("PUT /?transaction failed with HTTP 500");
  });

  it("the transaction's requests carry the operation's budget, one for all attempts", async () => {
    commits.push({ status: 500 });
    const budgets: unknown[] = [];
    await withSession(async (s) => {
      await s.retrying(async (tx) => {
        budgets.push(tx.budget);
      });
      await s.retrying(
        async (tx) => {
          budgets.push(tx.budget);
        },
        { commit: false },
      );
    });
    expect(budgets).toHaveLength(3);
    for (const b of budgets) expect(b).toBeInstanceOf(RetryBudget);
    expect(budgets[1]).toBe(budgets[0]);
    expect(budgets[2]).not.toBe(budgets[0]);
  });
});

describe("VastSession.retrying: what is not replayed", () => {
  it("a SlowDown reaching the loop is given up at once (alsoRetry can still ask for it)", async () => {
    const slow = new SlowDown({
      method: "PUT",
      path: "/?transaction",
      status: 503,
      s3Code: "SlowDown",
      s3Message: null,
    });
    let calls1 = 0;
    const err = await withSession((s) =>
      s.retrying(async () => {
        calls1++;
        throw slow;
      }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect([err, calls1]).toEqual([slow, 1]);
    let calls2 = 0;
    const r = await withSession((s) =>
      s.retrying(
        async () => {
          if (++calls2 === 1) throw slow;
          return "second";
        },
        { alsoRetry: (e) => e === slow },
      ),
    );
    expect([r, calls2]).toEqual(["second", 2]);
  });

  it("a dropped connection inside the transaction is replayed (a write whose outcome is unknown)", async () => {
    const drop = new ConnectionError("dropped", false);
    let n = 0;
    const r = await withSession((s) =>
      s.retrying(async (_tx, attempt) => {
        if (++n === 1) throw drop;
        return attempt;
      }),
    );
    expect([r, n]).toEqual([2, 2]);
  });
});

describe("VastSession: rollbacks never hide the caller's result or error", () => {
  it("transaction(): the function's error wins over a failing rollback", async () => {
    rollbacks.push({ status: 400 });
    const boom = new Error("boom");
    const err = await withSession((s) =>
      s.transaction(async () => {
        throw boom;
      }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBe(boom);
    expect(methods().slice(1)).toEqual(["POST", "DELETE"]);
  });

  it("retrying({commit: false}): the result comes back though the rollback fails", async () => {
    rollbacks.push({ status: 400 });
    expect(await withSession((s) => s.retrying(async () => "read", { commit: false }))).toBe("read");
    expect(methods().slice(1)).toEqual(["POST", "DELETE"]);
  });

  it("a failing commit's rollback error is not what the caller sees either", async () => {
    commits.push({ status: 409 });
    rollbacks.push({ status: 400 });
    const err = await withSession((s) => s.transaction(async () => 1)).then(
      () => null,
      (e: unknown) => e,
    );
    // Transaction.commit releases the transaction after a failed commit: its own rollback error surfaces there.
    expect(err).toBeInstanceOf(BadRequest);
    expect(err).not.toBeInstanceOf(Conflict);
  });

  it("awaitRollback: false answers before the rollback is answered; by default it waits", async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    rollbacks.push({ hold }, { hold });
    await withSession(async (s) => {
      let rolledBack = false;
      void hold.then(() => {
        rolledBack = true;
      });
      const fast = s.retrying(async () => "fast", { commit: false, awaitRollback: false });
      expect(await Promise.race([fast, settle().then(() => "timer")])).toBe("fast");
      expect(rolledBack).toBe(false);
      const waiting = s.retrying(async () => "waits", { commit: false });
      const first = await Promise.race([waiting, settle().then(() => "timer")]);
      expect(first).toBe("timer");
      release();
      expect(await waiting).toBe("waits");
      expect(rolledBack).toBe(true);
    });
  });
});

describe("VastSession.connect", () => {
  it.each([
    ["vast 10.12.345.6789", [10, 12, 345, 6789]],
    ["vast 0.0.0.1", [0, 0, 0, 1]],
  ])("Server: %s", async (header, version) => {
    serverHeader = header;
    expect(await withSession(async (s) => s.version)).toEqual(version);
  });

  it.each([
    "vast vast 5.4.0.0",
    "vast 5.4.0.0.0",
    "vast 5.4.0",
    "vast  5.4.0.0",
    "vast 5.4.a.0",
    "vast 5..0.0",
  ])("refuses Server: %s", async (header) => {
    serverHeader = header;
    const err = await VastSession.connect(config()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnsupportedServer);
    expect((err as Error).message).toBe(`unrecognised VAST server version '${header}'`);
  });

  it("probes with GET /?transaction without the tabular headers", async () => {
    await withSession(async () => undefined);
    expect(calls).toEqual([{ method: "GET", txid: undefined }]);
    expect(urls).toEqual(["/?transaction"]);
  });

  it("the probe accepts any status: only its Server header counts", async () => {
    probeStatus = 403;
    expect(await withSession(async (s) => s.version)).toEqual([5, 4, 0, 0]);
  });

  it("a begin answered 500 is sent again in place (a begin may be replayed)", async () => {
    beginFailures = 1;
    const tx = await withSession((s) => s.begin());
    expect(tx.txid).toBeGreaterThan(0n);
    expect(methods()).toEqual(["GET", "POST", "POST"]);
  });

  it("a refused server's connection is closed, not kept alive", async () => {
    serverHeader = "nginx";
    await settle();
    const before = sockets.size;
    await expect(VastSession.connect(config())).rejects.toBeInstanceOf(UnsupportedServer);
    await settle();
    expect(sockets.size).toBe(before);
  });

  it("close() lets every transport's connections go, the data endpoints' too", async () => {
    await settle();
    const before = sockets.size;
    const s = await VastSession.connect(config({ dataEndpoints: [url, url] }));
    await s.begin();
    await Promise.all(
      s.dataTransports.map((t) => t.request({ method: "GET", path: "/", query: "transaction" })),
    );
    await settle();
    expect(sockets.size - before).toBe(3);
    s.close();
    await settle();
    expect(sockets.size).toBe(before);
  });
});
