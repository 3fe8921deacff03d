// Registered with `node --import`: records every ES module URL that is loaded (see load-hooks.mjs).
import { register } from "node:module";

register("./load-hooks.mjs", import.meta.url, { data: process.env.LOADED_MODULES_FILE });
