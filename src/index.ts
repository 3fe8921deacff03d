export type { CatalogStore } from "./catalog/port.js";
export * from "./core/model.js";
export type { ChannelPlane, ChunkFailure, DecodedChunk } from "./core/pixels/decode-chunk.js";
export { decodeChunk } from "./core/pixels/decode-chunk.js";
export { type PartLayout, partLayout } from "./core/pixels/part-layout.js";
export { type PixelReport, pixelReport, pixelReportFile } from "./inspect/pixel-report.js";
export { planPixels, readChunks } from "./inspect/read-chunks.js";
export { type PixelsResult, type ReadPixelsOptions, readPixels } from "./inspect/read-pixels.js";
export type { ByteSource } from "./io/byte-source.js";
