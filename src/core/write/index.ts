export { ExrWriteError } from "./enums.js";
export { tileLevels } from "./layout.js";
export type * from "./spec.js";
export { buildExr, type ExrLayout, writeExr } from "./write-exr.js";
