/**
 * The emulator's object storage: buckets of objects with S3 ETags, kept in memory or under `--data-dir`.
 * The database buckets (`--bucket`) are S3 buckets too, as on VAST; buckets made with CreateBucket are
 * plain object buckets. An object record is immutable: an overwrite installs a new record, so a reader
 * that looked an object up keeps reading the version it found (on disk each version has its own file).
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { EmulatorError } from "../errors.js";
import { writeAtomically } from "../write-atomically.js";
import { compareKeys } from "./key-order.js";

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** Quoted, as S3 sends it: `"<md5>"` or `"<md5-of-part-md5s>-<parts>"`. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string;
  /** `x-amz-meta-*` headers without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
  /** In memory: the bytes. On disk: null (see `file`). */
  readonly bytes: Uint8Array | null;
  /** On disk: the data file's name inside the bucket's directory. */
  readonly file: string | null;
}

export interface ObjectAttributes {
  contentType: string;
  metadata: Record<string, string>;
}

interface Bucket {
  readonly name: string;
  readonly created: Date;
  /** Serves the tabular API too (declared with `--bucket`): cannot be deleted. */
  readonly database: boolean;
  readonly objects: Map<string, StoredObject>;
  /** Keys in S3 listing order; rebuilt lazily after a new key appears. */
  sorted: string[] | null;
}

export interface ListRequest {
  prefix: string;
  delimiter: string;
  /** List keys (and common prefixes) strictly after this one. */
  after: string;
  maxKeys: number;
}

export interface ListPage {
  contents: StoredObject[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned (resume after it). */
  last: string | null;
}

export const noSuchBucket = (bucket: string) =>
  new EmulatorError(404, "NoSuchBucket", `The specified bucket does not exist: ${bucket}`);
export const noSuchKey = (key: string) =>
  new EmulatorError(404, "NoSuchKey", `The specified key does not exist: ${key}`);

/** The quoted MD5 ETag of a single-request upload. */
export function md5ETag(bytes: Uint8Array): string {
  return `"${createHash("md5").update(bytes).digest("hex")}"`;
}

/** S3's multipart ETag: MD5 of the concatenated binary part MD5s, then `-<part count>`. */
export function multipartETag(partETags: readonly string[]): string {
  const md5 = createHash("md5");
  for (const e of partETags) md5.update(Buffer.from(e.replaceAll('"', ""), "hex"));
  return `"${md5.digest("hex")}-${partETags.length}"`;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function validBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

interface ObjectMeta {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  contentType: string;
  metadata: Record<string, string>;
  file: string;
}

const META_SUFFIX = ".meta.json";

const keyDigest = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  /** Per key on disk: the replacement of its files runs one after another. */
  private readonly diskQueue = new Map<string, Promise<void>>();

  private constructor(private readonly dir: string | null) {}

  /** `dataDir` null: everything in memory. Otherwise objects live under `<dataDir>/s3/` and are reloaded. */
  static async open(dataDir: string | null, databaseBuckets: readonly string[]): Promise<ObjectStore> {
    const store = new ObjectStore(dataDir ? join(dataDir, "s3") : null);
    const now = new Date();
    for (const name of databaseBuckets) store.addBucket(name, now, true);
    if (store.dir) await store.load();
    return store;
  }

  private addBucket(name: string, created: Date, database: boolean): Bucket {
    const bucket: Bucket = { name, created, database, objects: new Map(), sorted: [] };
    this.buckets.set(name, bucket);
    return bucket;
  }

  private async load(): Promise<void> {
    const dir = this.dir!;
    await mkdir(dir, { recursive: true });
    let declared: { name: string; created: string }[] = [];
    try {
      declared = JSON.parse(await readFile(join(dir, "buckets.json"), "utf8")) as typeof declared;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    for (const b of declared)
      if (!this.buckets.has(b.name)) this.addBucket(b.name, new Date(b.created), false);
    for (const bucket of this.buckets.values()) {
      const bucketDir = join(dir, "objects", bucket.name);
      await mkdir(bucketDir, { recursive: true });
      const names = await readdir(bucketDir);
      const live = new Set<string>();
      for (const name of names) {
        if (!name.endsWith(META_SUFFIX)) continue;
        const meta = JSON.parse(await readFile(join(bucketDir, name), "utf8")) as ObjectMeta;
        live.add(meta.file);
        live.add(name);
        bucket.objects.set(meta.key, {
          key: meta.key,
          size: meta.size,
          etag: meta.etag,
          lastModified: new Date(meta.lastModified),
          contentType: meta.contentType,
          metadata: meta.metadata,
          bytes: null,
          file: meta.file,
        });
      }
      // Data files of versions replaced just before a stop, and interrupted writes.
      for (const name of names) if (!live.has(name)) await rm(join(bucketDir, name), { force: true });
      bucket.sorted = null;
    }
  }

  private async saveBuckets(): Promise<void> {
    if (!this.dir) return;
    const created = [...this.buckets.values()]
      .filter((b) => !b.database)
      .map((b) => ({ name: b.name, created: b.created.toISOString() }));
    await writeAtomically(join(this.dir, "buckets.json"), `${JSON.stringify(created)}\n`);
  }

  private bucket(name: string): Bucket {
    const b = this.buckets.get(name);
    if (!b) throw noSuchBucket(name);
    return b;
  }

  listBuckets(): { name: string; created: Date }[] {
    return [...this.buckets.values()]
      .map((b) => ({ name: b.name, created: b.created }))
      .sort((a, b) => compareKeys(a.name, b.name));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  async createBucket(name: string): Promise<void> {
    if (!validBucketName(name))
      throw new EmulatorError(400, "InvalidBucketName", `The specified bucket is not valid: ${name}`);
    if (this.buckets.has(name))
      throw new EmulatorError(409, "BucketAlreadyOwnedByYou", `Bucket ${name} already exists`);
    this.addBucket(name, new Date(), false);
    if (this.dir) await mkdir(join(this.dir, "objects", name), { recursive: true });
    await this.saveBuckets();
  }

  async deleteBucket(name: string): Promise<void> {
    const b = this.bucket(name);
    if (b.objects.size > 0)
      throw new EmulatorError(409, "BucketNotEmpty", "The bucket you tried to delete is not empty");
    if (b.database)
      throw new EmulatorError(409, "OperationAborted", `Bucket ${name} serves the database API (--bucket)`);
    this.buckets.delete(name);
    if (this.dir) await rm(join(this.dir, "objects", name), { recursive: true, force: true });
    await this.saveBuckets();
  }

  /** Throws NoSuchBucket / NoSuchKey. */
  get(bucket: string, key: string): StoredObject {
    const o = this.bucket(bucket).objects.get(key);
    if (!o) throw noSuchKey(key);
    return o;
  }

  /** Bytes `[start, end)` of one object version. Throws NoSuchKey when that version was replaced meanwhile. */
  async read(bucket: string, object: StoredObject, start: number, end: number): Promise<Uint8Array> {
    if (object.bytes) return object.bytes.subarray(start, end);
    const out = Buffer.allocUnsafe(end - start);
    let done = 0;
    try {
      const fh = await open(join(this.dir!, "objects", bucket, object.file!), "r");
      try {
        while (done < out.length) {
          const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw noSuchKey(object.key);
      throw err;
    }
    return new Uint8Array(out.buffer, out.byteOffset, done);
  }

  /** A stream of bytes `[start, end)` (large downloads from disk are not held in memory). */
  stream(bucket: string, object: StoredObject, start: number, end: number): AsyncIterable<Uint8Array> {
    if (object.bytes) return once(object.bytes.subarray(start, end));
    if (end <= start) return once(new Uint8Array(0));
    return createReadStream(join(this.dir!, "objects", bucket, object.file!), {
      start,
      end: end - 1,
      highWaterMark: 1 << 20,
    });
  }

  /** Stores an object from its parts (one part for a plain upload); replaces any previous version. */
  async put(
    bucket: string,
    key: string,
    parts: readonly Uint8Array[],
    etag: string,
    attributes: ObjectAttributes,
  ): Promise<StoredObject> {
    const b = this.bucket(bucket);
    const size = parts.reduce((n, p) => n + p.length, 0);
    const base = {
      key,
      size,
      etag,
      lastModified: new Date(),
      contentType: attributes.contentType,
      metadata: attributes.metadata,
    };
    let object: StoredObject;
    if (!this.dir) {
      object = { ...base, bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), file: null };
    } else {
      const file = `${keyDigest(key)}.${randomBytes(8).toString("hex")}.data`;
      object = { ...base, bytes: null, file };
      await this.replaceOnDisk(bucket, key, async (bucketDir, previous) => {
        await writeAtomically(join(bucketDir, file), parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        const meta: ObjectMeta = { ...base, lastModified: base.lastModified.toISOString(), file };
        await writeAtomically(join(bucketDir, `${keyDigest(key)}${META_SUFFIX}`), JSON.stringify(meta));
        if (previous?.file) await rm(join(bucketDir, previous.file), { force: true });
      });
    }
    if (!b.objects.has(key)) b.sorted = null;
    b.objects.set(key, object);
    return object;
  }

  async delete(bucket: string, key: string): Promise<void> {
    const b = this.bucket(bucket);
    if (!b.objects.has(key)) return;
    b.objects.delete(key);
    b.sorted = null;
    if (this.dir)
      await this.replaceOnDisk(bucket, key, async (bucketDir, previous) => {
        await rm(join(bucketDir, `${keyDigest(key)}${META_SUFFIX}`), { force: true });
        if (previous?.file) await rm(join(bucketDir, previous.file), { force: true });
      });
  }

  /** Runs disk changes of one key in request order; `previous` is the version on disk before this change. */
  private replaceOnDisk(
    bucket: string,
    key: string,
    change: (bucketDir: string, previous: StoredObject | undefined) => Promise<void>,
  ): Promise<void> {
    const id = `${bucket}/${key}`;
    const previous = this.buckets.get(bucket)?.objects.get(key);
    const run = (this.diskQueue.get(id) ?? Promise.resolve()).then(() =>
      change(join(this.dir!, "objects", bucket), previous),
    );
    const settled = run.catch(() => {});
    this.diskQueue.set(id, settled);
    void settled.then(() => {
      if (this.diskQueue.get(id) === settled) this.diskQueue.delete(id);
    });
    return run;
  }

  /** One page of keys in S3 order, rolled up into common prefixes at the delimiter. */
  list(bucket: string, request: ListRequest): ListPage {
    const b = this.bucket(bucket);
    if (b.sorted === null) b.sorted = [...b.objects.keys()].sort(compareKeys);
    const keys = b.sorted;
    const { prefix, delimiter, after, maxKeys } = request;
    let i = lowerBound(keys, compareKeys(after, prefix) > 0 ? after : prefix);
    const page: ListPage = { contents: [], commonPrefixes: [], truncated: false, last: null };
    while (i < keys.length) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) break;
      if (key === after) {
        i++;
        continue;
      }
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      const rolledUp = cut >= 0 ? key.slice(0, cut + delimiter.length) : null;
      // A common prefix already returned (the page starts after it): skip every key under it.
      if (rolledUp !== null && rolledUp === after) {
        i = pastPrefix(keys, i, rolledUp);
        continue;
      }
      if (page.contents.length + page.commonPrefixes.length >= maxKeys) {
        page.truncated = true;
        break;
      }
      if (rolledUp !== null) {
        page.commonPrefixes.push(rolledUp);
        page.last = rolledUp;
        i = pastPrefix(keys, i, rolledUp);
      } else {
        page.contents.push(b.objects.get(key)!);
        page.last = key;
        i++;
      }
    }
    return page;
  }
}

/** First index whose key is >= `target` in S3 order. */
function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid]!, target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index at or after `from` whose key does not start with `prefix`. */
function pastPrefix(keys: readonly string[], from: number, prefix: string): number {
  let i = Math.max(from, lowerBound(keys, `${prefix}\u{10ffff}`));
  while (i < keys.length && keys[i]!.startsWith(prefix)) i++;
  return i;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
