/** The built `vast-emulator` verifies SigV4 signatures by default; `--no-verify-signatures` only checks the key. */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { VastCatalogStore } from "../../../src/catalog/vast/vast-store.js";
import { VastConfig } from "../../../src/vast/client/config.js";
import { startTestEmulator } from "../client/emulator-harness.js";

const MAIN = path.resolve(import.meta.dirname, "../../../dist/vast/emulator/main.js");

async function canWrite(url: string, secret: string): Promise<boolean> {
  const config = new VastConfig({
    endpoint: url,
    accessKey: "AK",
    secretKey: secret,
    bucket: "vastdb",
    schema: `sig_${Date.now()}`,
  });
  try {
    const store = await VastCatalogStore.open(config);
    try {
      await store.init();
      return true;
    } finally {
      await store.close();
    }
  } catch {
    return false;
  }
}

describe.skipIf(!existsSync(MAIN))("vast-emulator signature verification", () => {
  it("is on by default: a client with the right key but a wrong secret is refused", async () => {
    const emu = await startTestEmulator(["--access-key", "AK", "--secret-key", "right-secret"]);
    try {
      expect(await canWrite(emu.url, "wrong-secret")).toBe(false);
      expect(await canWrite(emu.url, "right-secret")).toBe(true);
    } finally {
      await emu.stop();
    }
  }, 60_000);

  it("--no-verify-signatures accepts any secret for a known key (speed)", async () => {
    const emu = await startTestEmulator([
      "--access-key",
      "AK",
      "--secret-key",
      "right-secret",
      "--no-verify-signatures",
    ]);
    try {
      expect(await canWrite(emu.url, "wrong-secret")).toBe(true);
    } finally {
      await emu.stop();
    }
  }, 60_000);
});
