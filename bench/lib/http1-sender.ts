/**
 * A load generator's HTTP/1.1 client: one keep-alive TCP connection, one request at a time, requests written as
 * bytes prepared in advance, answers parsed only as far as status, Content-Length or chunked framing and body.
 * bench:serve's senders share the 2 cores with serve and the emulator, so they should cost as little as `wrk`
 * does; node:http's client machinery cost 0.4–0.9 ms of CPU per event there.
 */
import { connect, type Socket } from "node:net";

export interface Answer {
  status: number;
  body: Buffer;
}

/** `POST path` with `headers` and `body` as the bytes to send. */
export function postRequest(
  host: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Buffer {
  let head = `POST ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-length: ${body.length}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== "content-length" && name.toLowerCase() !== "host")
      head += `${name}: ${value}\r\n`;
  }
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), body]);
}

const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

/** The answer's framing once its head has arrived; null while the head is incomplete. */
function parseHead(buf: Buffer): { status: number; bodyStart: number; length: number | "chunked" } | null {
  const end = buf.indexOf(HEAD_END);
  if (end < 0) return null;
  const head = buf.toString("latin1", 0, end);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP answer: ${head.slice(0, 40)}`);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return { status, bodyStart: end + 4, length: Number(length[1]) };
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head))
    return { status, bodyStart: end + 4, length: "chunked" };
  throw new Error("answer without Content-Length or chunked framing");
}

/** A chunked body's bytes once all of it (up to the last chunk and the final CRLF) is in `buf`; else null. */
function chunkedBody(buf: Buffer, start: number): Buffer | null {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, at);
    if (lineEnd < 0) return null;
    const size = Number.parseInt(buf.toString("latin1", at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error("malformed chunk size");
    const dataStart = lineEnd + 2;
    if (size === 0) {
      // No trailers from node's server: the last chunk is followed by one empty line.
      return buf.length >= dataStart + 2 ? Buffer.concat(parts) : null;
    }
    if (buf.length < dataStart + size + 2) return null;
    parts.push(buf.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

export class Http1Sender {
  readonly #socket: Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting: { done: (a: Answer) => void; fail: (e: Error) => void } | null = null;
  readonly #ready: Promise<void>;

  constructor(host: string, port: number) {
    this.#socket = connect({ host, port, noDelay: true });
    this.#ready = new Promise((ok, fail) => {
      this.#socket.once("connect", ok);
      this.#socket.once("error", fail);
    });
    this.#socket.on("data", (chunk: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
      this.#tryAnswer();
    });
    this.#socket.on("error", (err) => this.#fail(err));
    this.#socket.on("close", () => this.#fail(new Error("connection closed before the answer")));
  }

  #fail(err: Error): void {
    const w = this.#waiting;
    this.#waiting = null;
    w?.fail(err);
  }

  #tryAnswer(): void {
    if (!this.#waiting) return;
    let head: ReturnType<typeof parseHead>;
    let body: Buffer | null;
    let rest: number;
    try {
      head = parseHead(this.#buffered);
      if (!head) return;
      if (head.length === "chunked") {
        body = chunkedBody(this.#buffered, head.bodyStart);
        if (!body) return;
        rest = this.#buffered.length; // one request at a time: nothing follows the answer
      } else {
        if (this.#buffered.length < head.bodyStart + head.length) return;
        body = this.#buffered.subarray(head.bodyStart, head.bodyStart + head.length);
        rest = head.bodyStart + head.length;
      }
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    this.#buffered = this.#buffered.subarray(rest);
    const w = this.#waiting;
    this.#waiting = null;
    w.done({ status: head.status, body });
  }

  async send(request: Buffer): Promise<Answer> {
    await this.#ready;
    if (this.#waiting) throw new Error("one request at a time");
    return new Promise<Answer>((done, fail) => {
      this.#waiting = { done, fail };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#waiting = null;
    this.#socket.destroy();
  }
}
