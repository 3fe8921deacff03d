// `exr-inspector/catalog`: the storage port, the backend registry and the backend-neutral rows.
// Backends (DuckDB, VAST) are loaded by `openCatalog` only when chosen.
export { buildRecord } from "./build-record.js";
export { type BackendOpener, catalogBackends, openCatalog, registerCatalogBackend } from "./open.js";
export type { CatalogOptions } from "./open-options.js";
export type * from "./port.js";
export type { CatalogRecord } from "./rows.js";
