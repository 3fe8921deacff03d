/**
 * A FUSE file system (the kernel's /dev/fuse protocol, no library) whose files can stall like a hung network
 * mount: `node stalling-fs-server.mjs CONFIG.json`, where CONFIG is
 * `{ "mountpoint": "/abs/dir", "files": [{ "name": "a.exr", "source": "/abs/real.exr", "stall": "read" }] }`.
 * `stall`: "read" answers lookups, stats and opens but never a read of the file; "open" never answers its open;
 * "lookup" never answers a lookup of its name (so even a stat of the path hangs);
 * absent: the file reads like its source. The root directory lists the files. Prints "ready" once mounted.
 * A stalled request is answered only when its caller is interrupted (EINTR), so a process that gives up on it
 * can still exit; killing this server aborts the connection (every pending request fails), then unmount.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ROOT = 1n;
const files = config.files.map((f, i) => ({
  ...f,
  ino: BigInt(i + 2),
  data: readFileSync(f.source),
  mtime: BigInt(Math.floor(statSync(f.source).mtimeMs / 1000)),
}));
const byIno = new Map(files.map((f) => [f.ino, f]));

const OP = {
  LOOKUP: 1,
  FORGET: 2,
  GETATTR: 3,
  OPEN: 14,
  READ: 15,
  STATFS: 17,
  RELEASE: 18,
  FLUSH: 25,
  INIT: 26,
  OPENDIR: 27,
  READDIR: 28,
  RELEASEDIR: 29,
  ACCESS: 34,
  INTERRUPT: 36,
  DESTROY: 38,
  BATCH_FORGET: 42,
};
const ENOENT = 2;
const EINTR = 4;
const ENOSYS = 38;

const fuse = openSync("/dev/fuse", "r+");
const mount = spawnSync(
  "mount",
  [
    "-t",
    "fuse.exrstall",
    "-o",
    "fd=3,rootmode=40000,user_id=0,group_id=0,allow_other",
    "exrstall",
    config.mountpoint,
  ],
  { stdio: ["ignore", "inherit", "inherit", fuse], encoding: "utf8" },
);
if (mount.status !== 0) {
  process.stderr.write(`mount failed (${mount.status})\n`);
  process.exit(2);
}

function reply(unique, error, body = Buffer.alloc(0)) {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(16 + body.length, 0);
  header.writeInt32LE(-error, 4);
  header.writeBigUInt64LE(unique, 8);
  try {
    writeSync(fuse, Buffer.concat([header, body]));
  } catch {
    // the request was interrupted or aborted meanwhile
  }
}

function attr(ino) {
  const a = Buffer.alloc(88);
  const f = byIno.get(ino);
  a.writeBigUInt64LE(ino, 0);
  a.writeBigUInt64LE(BigInt(f ? f.data.length : 0), 8);
  a.writeBigUInt64LE(BigInt(f ? Math.ceil(f.data.length / 512) : 0), 16);
  for (const at of [24, 32, 40]) a.writeBigUInt64LE(f ? f.mtime : 0n, at);
  a.writeUInt32LE(f ? 0o100644 : 0o40755, 60);
  a.writeUInt32LE(f ? 1 : 2, 64);
  a.writeUInt32LE(4096, 80);
  return a;
}

function entry(ino) {
  const e = Buffer.alloc(40);
  e.writeBigUInt64LE(ino, 0);
  return Buffer.concat([e, attr(ino)]); // valid for 0 s: every stat reaches this server
}

function dirents(offset, max) {
  const out = [];
  let size = 0;
  const names = [".", "..", ...files.map((f) => f.name)];
  for (let i = Number(offset); i < names.length; i++) {
    const name = Buffer.from(names[i]);
    const d = Buffer.alloc(24 + Math.ceil(name.length / 8) * 8);
    d.writeBigUInt64LE(i < 2 ? ROOT : files[i - 2].ino, 0);
    d.writeBigUInt64LE(BigInt(i + 1), 8);
    d.writeUInt32LE(name.length, 16);
    d.writeUInt32LE(i < 2 ? 4 : 8, 20); // DT_DIR, DT_REG
    name.copy(d, 24);
    if (size + d.length > max) break;
    size += d.length;
    out.push(d);
  }
  return Buffer.concat(out);
}

const stalled = new Set();
const buf = Buffer.alloc((1 << 20) + 4096);
for (;;) {
  let n;
  try {
    n = readSync(fuse, buf, 0, buf.length, null);
  } catch (err) {
    if (err.code === "EINTR" || err.code === "EAGAIN") continue;
    break; // ENODEV: unmounted
  }
  const opcode = buf.readUInt32LE(4);
  const unique = buf.readBigUInt64LE(8);
  const node = buf.readBigUInt64LE(16);
  const body = buf.subarray(40, n);
  switch (opcode) {
    case OP.INIT: {
      const out = Buffer.alloc(64);
      out.writeUInt32LE(7, 0);
      out.writeUInt32LE(Math.min(31, body.readUInt32LE(4)), 4);
      out.writeUInt32LE(body.readUInt32LE(8), 8);
      out.writeUInt32LE(1 << 20, 20); // max_write
      out.writeUInt32LE(1, 24); // time_gran
      reply(unique, 0, out);
      process.stdout.write("ready\n");
      break;
    }
    case OP.LOOKUP: {
      const name = body.subarray(0, body.indexOf(0)).toString();
      const f = node === ROOT ? files.find((x) => x.name === name) : undefined;
      if (f?.stall === "lookup") stalled.add(unique);
      else if (f) reply(unique, 0, entry(f.ino));
      else reply(unique, ENOENT);
      break;
    }
    case OP.GETATTR: {
      const out = Buffer.alloc(16);
      reply(unique, 0, Buffer.concat([out, attr(node)]));
      break;
    }
    case OP.OPEN: {
      if (byIno.get(node)?.stall === "open") {
        stalled.add(unique);
        break;
      }
      // FOPEN_DIRECT_IO: no page cache, so every read of every process is a request of its own (a stalled read
      // never leaves a locked cache page that another process would wait on, uninterruptibly).
      const out = Buffer.alloc(16);
      out.writeUInt32LE(1, 8);
      reply(unique, 0, out);
      break;
    }
    case OP.OPENDIR:
      reply(unique, 0, Buffer.alloc(16));
      break;
    case OP.READ: {
      const f = byIno.get(node);
      if (f?.stall === "read") {
        stalled.add(unique);
        break;
      }
      const offset = Number(body.readBigUInt64LE(8));
      const size = body.readUInt32LE(16);
      reply(unique, 0, f ? f.data.subarray(offset, offset + size) : Buffer.alloc(0));
      break;
    }
    case OP.READDIR:
      reply(
        unique,
        0,
        node === ROOT ? dirents(body.readBigUInt64LE(8), body.readUInt32LE(16)) : Buffer.alloc(0),
      );
      break;
    case OP.INTERRUPT: {
      const target = body.readBigUInt64LE(0);
      if (stalled.delete(target)) reply(target, EINTR);
      break;
    }
    case OP.RELEASE:
    case OP.RELEASEDIR:
    case OP.FLUSH:
      reply(unique, 0);
      break;
    case OP.FORGET:
    case OP.BATCH_FORGET:
      break; // no answer expected
    case OP.DESTROY:
      reply(unique, 0);
      closeSync(fuse);
      process.exit(0);
      break;
    default:
      reply(unique, ENOSYS);
  }
}
