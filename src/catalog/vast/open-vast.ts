/** The VAST branch of `openCatalog`: configuration from `VAST_DB_*` variables overridden by options. */
import { resolveVastConfig } from "../../vast/client/config.js";
import type { CatalogOptions } from "../open-options.js";
import { VastCatalogStore } from "./vast-store.js";

export async function openVastCatalog(options: CatalogOptions): Promise<VastCatalogStore> {
  const { filesPerTransaction, bulkImport, ...flags } = options.vast ?? {};
  const config = resolveVastConfig(flags);
  const readOnly = options.readOnly ?? false;
  const store = await VastCatalogStore.open(config, {
    readOnly,
    ...(filesPerTransaction !== undefined ? { filesPerTransaction } : {}),
    ...(bulkImport !== undefined ? { bulkImport } : {}),
  });
  try {
    if (options.init ?? true) await store.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
