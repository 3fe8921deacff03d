export { tileLevels } from "./layout.js";
export type * from "./spec.js";
export { buildExr, writeExr } from "./write-exr.js";
