/**
 * The catalog port's contract on the VAST adapter, against the VAST emulator (a fresh schema per store). The same
 * contract with one file per transaction is vast-one-per-transaction.test.ts (a file of its own so that a mutation
 * run can use one of the two).
 */
import { afterAll, beforeAll } from "vitest";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { describeCatalogContract } from "./contract.js";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

describeCatalogContract("vast (emulator)", () => VastCatalogStore.open(testConfig(emu.url)));
