/**
 * Local reads on their own: what each kind of non-regular path is called and refused as, the timeout every
 * open/stat/read is wrapped in (its message, its timer, the count of operations given up and still running),
 * and FileSource's positioned reads.
 */
import { closeSync, mkdtempSync, readSync, rmSync, type Stats, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FILE_READ_TIMEOUT_MS, FileSource, withTimeout } from "../../src/io/file-source.js";
import {
  fileKind,
  NotARegularFileError,
  openRegularFile,
  openRegularFileSync,
} from "../../src/io/regular-file.js";
import { stuckOperations } from "../../src/io/stuck-operations.js";

let dir: string;
let file: string;
let socketPath: string;
let server: Server;
const content = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "exr-local-rules-"));
  file = join(dir, "f.bin");
  writeFileSync(file, content);
  socketPath = join(dir, "s.exr");
  server = createServer();
  await new Promise<void>((ok) => server.listen(socketPath, ok));
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

describe("fileKind and NotARegularFileError", () => {
  it("names each kind of path", () => {
    expect(fileKind(statSync(file))).toBe("regular file");
    expect(fileKind(statSync(dir))).toBe("directory");
    expect(fileKind(statSync(socketPath))).toBe("socket");
    expect(fileKind(statSync("/dev/null"))).toBe("character device");
  });

  it("a FIFO, a block device and anything else", () => {
    const kinds = {
      isFile: false,
      isDirectory: false,
      isFIFO: false,
      isSocket: false,
      isCharacterDevice: false,
      isBlockDevice: false,
    };
    const stats = (set: Partial<typeof kinds>) => {
      const k = { ...kinds, ...set };
      return Object.fromEntries(Object.entries(k).map(([name, v]) => [name, () => v])) as unknown as Stats;
    };
    expect(fileKind(stats({ isFIFO: true })!)).toBe("FIFO (named pipe)");
    expect(fileKind(stats({ isBlockDevice: true })!)).toBe("block device");
    expect(fileKind(stats({})!)).toBe("special file");
  });

  it("is refused with its code, path, kind and message, sync and async, before any open", async () => {
    for (const [path, kind] of [
      [dir, "directory"],
      [socketPath, "socket"],
      ["/dev/null", "character device"],
    ] as const) {
      const sync = (() => {
        try {
          openRegularFileSync(path);
        } catch (e) {
          return e;
        }
        return null;
      })() as NotARegularFileError;
      const async = (await openRegularFile(path).catch((e: unknown) => e)) as NotARegularFileError;
      for (const e of [sync, async]) {
        expect(e).toBeInstanceOf(NotARegularFileError);
        expect({ code: e.code, path: e.path, kind: e.kind, name: e.name, message: e.message }).toEqual({
          code: "EXR_NOT_A_REGULAR_FILE",
          path,
          kind,
          name: "NotARegularFileError",
          message: `${path} is a ${kind}, not a regular file (not opened)`,
        });
      }
    }
  });

  it("a regular file opens, sync (with its own stats) and async", async () => {
    const { fd, stats } = openRegularFileSync(file);
    try {
      expect(stats.size).toBe(64);
      expect(stats.isFile()).toBe(true);
      const buf = Buffer.alloc(4);
      expect(readSync(fd, buf, 0, 4, 0)).toBe(4);
      expect([...buf]).toEqual([...content.subarray(0, 4)]);
    } finally {
      closeSync(fd);
    }
    const handle = await openRegularFile(file);
    try {
      expect((await handle.stat()).size).toBe(64);
    } finally {
      await handle.close();
    }
  });

  it("a missing path fails with the system's error", async () => {
    expect(() => openRegularFileSync(join(dir, "none"))).toThrow(/ENOENT/);
    await expect(openRegularFile(join(dir, "none"))).rejects.toThrow(/ENOENT/);
  });
});

describe("withTimeout", () => {
  it("gives the operation's value and leaves no timer behind", async () => {
    vi.useFakeTimers();
    try {
      expect(await withTimeout(Promise.resolve(5), 1000, "x")).toBe(5);
      await expect(withTimeout(Promise.reject(new Error("no")), 1000, "x")).rejects.toThrow("no");
      expect(vi.getTimerCount()).toBe(0);
      expect(stuckOperations()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects after exactly `ms`, naming the operation, and counts it stuck until it ends", async () => {
    vi.useFakeTimers();
    try {
      let finish!: (v: number) => void;
      const operation = new Promise<number>((r) => {
        finish = r;
      });
      const before = stuckOperations();
      const timed = withTimeout(operation, 2500, "read of /mnt/a.exr at 0");
      const outcome = timed.then(
        () => "resolved",
        (e: Error) => e.message,
      );
      await vi.advanceTimersByTimeAsync(2499);
      expect(stuckOperations()).toBe(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(await outcome).toBe("read of /mnt/a.exr at 0 timed out after 2.5 s");
      expect(stuckOperations()).toBe(before + 1);
      finish(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(stuckOperations()).toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });

  it("an operation given up that later fails also stops counting", async () => {
    vi.useFakeTimers();
    try {
      let fail!: (e: Error) => void;
      const operation = new Promise<number>((_, r) => {
        fail = r;
      });
      const before = stuckOperations();
      const timed = withTimeout(operation, 10, "stat of x").catch((e: Error) => e.message);
      await vi.advanceTimersByTimeAsync(10);
      expect(await timed).toBe("stat of x timed out after 0.01 s");
      expect(stuckOperations()).toBe(before + 1);
      fail(new Error("late"));
      await vi.advanceTimersByTimeAsync(0);
      expect(stuckOperations()).toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });

  it("local reads wait 60 s by default", () => {
    expect(FILE_READ_TIMEOUT_MS).toBe(60_000);
  });
});

describe("FileSource", () => {
  it("reads exactly the range, and no further than the end", async () => {
    const src = await FileSource.open(file, 5_000);
    try {
      expect([...(await src.read(3, 5))]).toEqual([...content.subarray(3, 8)]);
      expect([...(await src.read(60, 10))]).toEqual([...content.subarray(60)]);
      expect(await src.read(64, 1)).toHaveLength(0);
      expect(await src.read(10, 0)).toHaveLength(0);
      expect(await src.size()).toBe(64);
      expect(await src.mtime()).toEqual(statSync(file).mtime);
    } finally {
      await src.close();
    }
  });

  it("refuses what is not a regular file", async () => {
    await expect(FileSource.open(dir)).rejects.toBeInstanceOf(NotARegularFileError);
  });
});
