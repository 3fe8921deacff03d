/** The catalog port's contract on the VAST adapter with one file per transaction and two keys per lookup query. */
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

describeCatalogContract("vast (emulator, one file per transaction)", () =>
  VastCatalogStore.open(testConfig(emu.url), { filesPerTransaction: 1, keysPerQuery: 2 }),
);
