// The library entry point. It loads only the format core and the byte sources: no DuckDB, Arrow or AWS
// module (the catalog is `exr-inspector/catalog`, the VAST client `exr-inspector/vast`).
export * from "./core/model.js";
export type { ChannelPlane, ChunkFailure, DecodedChunk } from "./core/pixels/decode-chunk.js";
export { decodeChunk } from "./core/pixels/decode-chunk.js";
export { type PartLayout, partLayout } from "./core/pixels/part-layout.js";
export { applyResultRules, type ResultRule } from "./core/validation/result-rules.js";
export { inspect, inspectFile, inspectFileSync } from "./inspect/inspect.js";
export type { InspectOptions } from "./inspect/options.js";
export { type PixelReport, pixelReport, pixelReportFile } from "./inspect/pixel-report.js";
export { planPixels, readChunks } from "./inspect/read-chunks.js";
export { type PixelsResult, type ReadPixelsOptions, readPixels } from "./inspect/read-pixels.js";
export { passes, type ValidationReport, validate } from "./inspect/validation-report.js";
export type { ByteSource } from "./io/byte-source.js";
export { bufferSource, fileSource } from "./io/sources.js";
