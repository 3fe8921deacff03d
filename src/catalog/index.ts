// `exr-inspector/catalog`: the storage port, the backend registry and the backend-neutral rows.
// Backends (DuckDB, VAST) are loaded by `openCatalog` only when chosen.
export { buildRecord } from "./build-record.js";
export { type CatalogBackend, type CatalogOptions, openCatalog } from "./open.js";
export type * from "./port.js";
export type { CatalogRecord } from "./rows.js";
