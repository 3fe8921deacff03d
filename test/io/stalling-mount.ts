/** The stalling FUSE file system of stalling-fs-server.mjs, mounted for a test: files whose open, read or lookup never answer. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const canMountFuse =
  process.getuid?.() === 0 &&
  existsSync("/dev/fuse") &&
  existsSync("/proc/filesystems") &&
  /\bfuse\b/.test(readFileSync("/proc/filesystems", "utf8"));

export interface StallingFile {
  name: string;
  source: string;
  stall?: "open" | "read" | "lookup";
}

export interface StallingMount {
  mountpoint: string;
  /** Kills the server (every pending request then fails) and unmounts. */
  stop(): void;
}

/** Mounts `files` at `<dir>/mnt` (the server's config goes to `<dir>/fs.json`); resolves once the server is ready. */
export async function mountStallingFs(dir: string, files: StallingFile[]): Promise<StallingMount> {
  const mountpoint = join(dir, "mnt");
  mkdirSync(mountpoint);
  const config = join(dir, "fs.json");
  writeFileSync(config, JSON.stringify({ mountpoint, files }));
  const child: ChildProcess = spawn(process.execPath, [resolve("test/io/stalling-fs-server.mjs"), config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = () => {
    child.kill("SIGKILL");
    spawnSync("umount", ["-l", mountpoint], { timeout: 10_000 });
  };
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`FUSE server not ready in 10 s: ${stderr}`)), 10_000);
      child.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) {
          clearTimeout(timer);
          ready();
        }
      });
      child.on("exit", (code) => fail(new Error(`FUSE server exited (${code}): ${stderr}`)));
    });
  } catch (err) {
    stop();
    throw err;
  }
  return { mountpoint, stop };
}
