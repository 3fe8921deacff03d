/**
 * An answer's body read piece by piece as the caller asks for it: at most `HIGH_WATER` bytes wait unread (the
 * socket is paused beyond that, so a slow reader holds the server back instead of piling up memory), and the
 * timeout runs only while the caller waits for bytes that have not come — a reader busy with what it has is never
 * timed out, a server that stops sending is.
 */
import type http from "node:http";
import type { ConnectionError } from "./errors.js";

const HIGH_WATER = 256 * 1024;

export class ResponseBody {
  readonly #incoming: http.IncomingMessage;
  readonly #pieces: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #error: ConnectionError | null = null;
  #wake: (() => void) | null = null;

  /**
   * @param failure the connection error of a cause (with the request's method and path)
   * @param abort ends the exchange (destroys the request and its socket)
   * @param onBytes told the size of every piece received
   */
  constructor(
    incoming: http.IncomingMessage,
    private readonly timeoutMs: number,
    private readonly failure: (cause: Error) => ConnectionError,
    private readonly abort: () => void,
    onBytes: (n: number) => void,
  ) {
    this.#incoming = incoming;
    incoming.on("data", (piece: Buffer) => {
      onBytes(piece.byteLength);
      this.#pieces.push(piece);
      this.#queued += piece.byteLength;
      if (this.#queued >= HIGH_WATER) incoming.pause();
      this.#notify();
    });
    incoming.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    incoming.on("error", (e) => this.#fail(e));
    incoming.on("aborted", () => this.#fail(new Error("response aborted")));
    incoming.on("close", () => {
      if (!this.#ended) this.#fail(new Error("response aborted"));
    });
  }

  /** The next piece, or null at the end of a complete body; throws the connection error of a failed one. */
  async next(): Promise<Buffer | null> {
    for (;;) {
      const piece = this.#pieces.shift();
      if (piece !== undefined) {
        this.#queued -= piece.byteLength;
        if (this.#queued < HIGH_WATER && this.#incoming.isPaused() && !this.#error) this.#incoming.resume();
        return piece;
      }
      if (this.#error) throw this.#error;
      if (this.#ended) {
        if (!this.#incoming.complete) throw this.failure(new Error("incomplete response"));
        return null;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#fail(new Error("request timed out"));
          this.abort();
        }, this.timeoutMs);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
      });
    }
  }

  /** The rest of the body as one buffer. */
  async all(): Promise<Buffer> {
    const pieces: Buffer[] = [];
    for (let piece = await this.next(); piece !== null; piece = await this.next()) pieces.push(piece);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }

  /** Stops reading: an answer not read to its end is cut off (its connection is not reused). */
  close(): void {
    this.#pieces.length = 0;
    if (this.#ended) return;
    this.#fail(new Error("response not read to its end"));
    this.abort();
  }

  #fail(cause: Error): void {
    if (!this.#error && !this.#ended) this.#error = this.failure(cause);
    this.#notify();
  }

  #notify(): void {
    this.#wake?.();
  }
}
