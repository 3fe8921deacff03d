#!/usr/bin/env node
// The command's entry point, CommonJS on purpose. libuv sizes its thread pool once, when it is first used, and
// Node reads an ES module entry through that pool: only a CommonJS entry runs early enough to choose the size.
// A read given up on a hung mount (--read-timeout) keeps its pool thread until the process ends; with libuv's
// default of 4, a few such reads (a stat, a walk's lstat, an open) left no thread for DuckDB, and `scan` hung.
process.env.UV_THREADPOOL_SIZE ??= "64";

import { join } from "node:path";
import { runBundle } from "./run-bundle.cjs";

// The whole CLI as one script with its code cache (`npm run build` writes it); the modules when there is none.
if (!runBundle(join(__dirname, "../bundle/cli.cjs"), join(__dirname, "main.js"))) void import("./main.js");
