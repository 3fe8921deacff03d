/**
 * Command-line inputs that may name objects: `s3://bucket/key`, `s3://bucket/prefix/` (listed recursively,
 * `*.exr` by default, narrowed by --include/--exclude globs), `https://` URLs, mixed with local paths and
 * directories (walked as before) and `-` (one input per line on stdin, of any of these kinds).
 */
import { setMaxListeners } from "node:events";
import { createInterface } from "node:readline";
import picomatch from "picomatch";
import { HttpSource } from "./http-source.js";
import { DEFAULT_REMOTE_CONCURRENCY } from "./remote-defaults.js";
import type { RemoteObjectSource } from "./remote-object.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./remote-retry.js";
import type { ConfiguredS3, S3ClientOptions } from "./s3-client.js";
import type { DirectRangeGets } from "./s3-direct-get.js";
import type { SdkRangeGets } from "./s3-sdk-get.js";
import { isHttpUrl, isRemote, isS3Prefix, isS3Uri, parseS3Uri, s3Uri } from "./s3-uri.js";
import { SourceError } from "./source-error.js";
import { type WalkEntry, walkPaths } from "./walk.js";

/** Everything a worker needs to read objects the same way (plain data: it crosses thread boundaries). */
export interface RemoteSettings extends Omit<S3ClientOptions, "credentials"> {
  /** Requests in flight at once (default 32). */
  concurrency?: number;
  /** Per request, body included (default 30 s). */
  timeoutMs?: number;
  /** Attempts after the first on transient failures (default 4). */
  retries?: number;
  /** Globs a listed key (relative to the listed prefix) must match one of; default `*.exr`, any case. */
  include?: string[];
  /** Globs that drop a listed key. */
  exclude?: string[];
  /**
   * How ranged GETs of s3:// objects are sent: `direct` (default; signed with our SigV4 signer and sent by our
   * HTTP/1.1 client on keep-alive connections, the SDK resolving credentials, region and endpoint),
   * `node-http` (the same requests sent with node:http) or `sdk` (the SDK's GetObject).
   */
  s3Gets?: "direct" | "node-http" | "sdk";
}

/** What a listing already told about an object (so a scan can skip it unread). */
export interface ListedFacts {
  size: number;
  etag: string | null;
  lastModified: Date | null;
}

export interface InputEntry extends WalkEntry {
  /** Set when the input could not be expanded with a coded cause (a listing of a missing bucket, …). */
  failure?: SourceError;
  listed?: ListedFacts;
}

export const hasRemoteInputs = (args: readonly string[]) => args.some(isRemote);

/**
 * The S3 modules, loaded on first use: they load the AWS SDK (~70 ms of CPU), which a run over local files never
 * needs.
 */
const s3Modules = async () => {
  const [client, direct, sdk, source, listing] = await Promise.all([
    import("./s3-client.js"),
    import("./s3-direct-get.js"),
    import("./s3-sdk-get.js"),
    import("./s3-source.js"),
    import("./s3-listing.js"),
  ]);
  return { ...client, ...direct, ...sdk, ...source, ...listing };
};
type S3Modules = Awaited<ReturnType<typeof s3Modules>>;

/** The S3 client (created on first use), retry policy and cancellation shared by one command's reads. */
export class RemoteContext {
  private modules: Promise<S3Modules> | null = null;
  private loaded: S3Modules | null = null;
  private configured: ConfiguredS3 | null = null;
  private gets: SdkRangeGets | DirectRangeGets | null = null;
  readonly policy: RetryPolicy;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly settings: RemoteSettings = {},
    readonly signal?: AbortSignal,
  ) {
    // Every request in flight listens to the cancellation signal (one listener each, removed when done).
    if (signal) setMaxListeners(0, signal);
    this.policy = {
      ...DEFAULT_RETRY_POLICY,
      ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
      ...(settings.retries !== undefined ? { retries: settings.retries } : {}),
      ...(signal ? { signal } : {}),
    };
  }

  get concurrency(): number {
    return this.settings.concurrency ?? DEFAULT_REMOTE_CONCURRENCY;
  }

  /** The S3 modules (loaded once, on first use). */
  s3Modules(): Promise<S3Modules> {
    this.modules ??= s3Modules().then((m) => {
      this.loaded = m;
      return m;
    });
    return this.modules;
  }

  async s3(): Promise<ConfiguredS3> {
    return this.s3With(this.loaded ?? (await this.s3Modules()));
  }

  /** A fresh source for an `s3://` or `http(s)://` input (each inspection attempt gets its own). */
  async open(uri: string): Promise<RemoteObjectSource> {
    if (isHttpUrl(uri)) return new HttpSource(uri, this.policy);
    const location = parseS3Uri(uri);
    if (!location || location.key === "")
      throw new SourceError("EXR_SOURCE_NOT_FOUND", `${uri}: not an object URI`);
    const m = this.loaded ?? (await this.s3Modules());
    return new m.S3Source(this.rangeGetsWith(m), location.bucket, location.key, {
      policy: this.policy,
      credentialSource: this.s3With(m).credentialSource,
    });
  }

  /** How this command's GETs are sent (`--s3-gets`): shared by object reads and listings. */
  async rangeGets(): Promise<SdkRangeGets | DirectRangeGets> {
    return this.rangeGetsWith(this.loaded ?? (await this.s3Modules()));
  }

  private s3With(m: S3Modules): ConfiguredS3 {
    this.configured ??= m.createS3Client({
      ...this.settings,
      maxSockets: Math.max(this.concurrency, this.settings.maxSockets ?? 0),
    });
    return this.configured;
  }

  private rangeGetsWith(m: S3Modules): SdkRangeGets | DirectRangeGets {
    const { client } = this.s3With(m);
    this.gets ??=
      this.settings.s3Gets === "sdk"
        ? new m.SdkRangeGets(client)
        : new m.DirectRangeGets(client, Math.max(this.concurrency, this.settings.maxSockets ?? 0), {
            transport: this.settings.s3Gets === "node-http" ? "node-http" : "raw",
          });
    return this.gets;
  }

  /** Runs `task` when fewer than `concurrency` tasks run (a bound shared by everything using this context). */
  async limit<T>(task: () => Promise<T>): Promise<T> {
    while (this.running >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  close(): void {
    if (this.gets && "close" in this.gets) this.gets.close();
    this.gets = null;
    this.configured?.client.destroy();
    this.configured = null;
  }
}

function keyFilter(settings: RemoteSettings, allFiles: boolean): (relativeKey: string) => boolean {
  // A pattern without `/` matches the key's base name (`*.exr`), one with `/` the key relative to the prefix
  // (`sub/*`): picomatch's `basename` option alone makes patterns with a slash match nothing.
  const glob = (patterns: string[]) => {
    const each = patterns.map((p) => picomatch(p, { dot: true, basename: !p.includes("/") }));
    return (k: string) => each.some((m) => m(k));
  };
  const include = settings.include?.length
    ? glob(settings.include)
    : allFiles
      ? () => true
      : (k: string) => k.toLowerCase().endsWith(".exr");
  const exclude = settings.exclude?.length ? glob(settings.exclude) : () => false;
  return (k) => include(k) && !exclude(k);
}

export interface ResolveOptions {
  stdin?: NodeJS.ReadableStream;
  /** In directories and listings, every file rather than only `*.exr` (unless --include says otherwise). */
  allFiles?: boolean;
}

/** Expands the inputs in order, streaming (a listing of any size holds one page in memory). */
export async function* resolveInputs(
  args: Iterable<string>,
  context: RemoteContext,
  options: ResolveOptions = {},
): AsyncGenerator<InputEntry> {
  const matches = keyFilter(context.settings, options.allFiles === true);
  const localMatch = options.allFiles ? { match: () => true } : {};
  for (const arg of args) {
    if (context.signal?.aborted) return;
    if (arg === "-") {
      const lines = createInterface({
        input: options.stdin ?? process.stdin,
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) {
        const input = line.trim();
        if (input) yield* resolveOne(input, context, matches, localMatch);
        if (context.signal?.aborted) return;
      }
    } else {
      yield* resolveOne(arg, context, matches, localMatch);
    }
  }
}

async function* resolveOne(
  input: string,
  context: RemoteContext,
  matches: (relativeKey: string) => boolean,
  localMatch: { match?: (name: string) => boolean },
): AsyncGenerator<InputEntry> {
  if (!isS3Uri(input)) {
    if (isHttpUrl(input)) yield { path: input };
    else yield* walkPaths([input], localMatch);
    return;
  }
  const location = parseS3Uri(input);
  if (!location) {
    yield {
      path: input,
      failure: new SourceError("EXR_SOURCE_NOT_FOUND", `${input}: not an s3://bucket/key URI`),
    };
    return;
  }
  if (!isS3Prefix(location)) {
    yield { path: s3Uri(location.bucket, location.key) };
    return;
  }
  try {
    const [{ listS3Objects, DirectRangeGets }, { client, credentialSource }, gets] = await Promise.all([
      context.s3Modules(),
      context.s3(),
      context.rangeGets(),
    ]);
    for await (const o of listS3Objects(client, location.bucket, location.key, {
      policy: context.policy,
      credentialSource,
      ...(gets instanceof DirectRangeGets ? { direct: gets } : {}),
    })) {
      if (!matches(o.key.slice(location.key.length))) continue;
      yield {
        path: s3Uri(location.bucket, o.key),
        listed: { size: o.size, etag: o.etag, lastModified: o.lastModified },
      };
      if (context.signal?.aborted) return;
    }
  } catch (err) {
    const failure =
      err instanceof SourceError
        ? err
        : new SourceError("EXR_SOURCE_UNAVAILABLE", `${input}: ${String(err)}`);
    yield { path: input, error: failure.message, failure };
  }
}
