export type { CatalogStore } from "./catalog/port.js";
export * from "./core/model.js";
export type { ByteSource } from "./io/byte-source.js";
