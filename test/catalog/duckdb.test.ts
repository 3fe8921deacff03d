import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { DuckDbCatalogStore } from "../../src/catalog/duckdb/duckdb-store.js";
import { describeCatalogContract } from "./contract.js";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-duckdb-contract-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeCatalogContract("duckdb (file)", () => DuckDbCatalogStore.open(path.join(dir, `c${n++}.duckdb`)));
describeCatalogContract("duckdb (:memory:)", () => DuckDbCatalogStore.open(":memory:"));
