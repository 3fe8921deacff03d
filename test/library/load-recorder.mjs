// Registered with `node --import`: records every ES module URL that is loaded (see load-hooks.mjs), and at exit every
// CommonJS module (the CLI's bundle loads packages with `require`), as file URLs.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const file = process.env.LOADED_MODULES_FILE;
register("./load-hooks.mjs", import.meta.url, { data: file });
const required = createRequire(import.meta.url).cache;
process.on("exit", () => {
  appendFileSync(
    file,
    Object.keys(required)
      .map((path) => `${pathToFileURL(path).href}\n`)
      .join(""),
  );
});
