import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { readPixels } from "../../src/inspect/read-pixels.js";
import { BufferSource } from "../../src/io/buffer-source.js";

const sha256 = (d: Uint16Array | Uint32Array) =>
  createHash("sha256")
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest("hex");

/**
 * One test per committed fixture of `dir` (written by the official OpenEXR bindings, with `expected.json` holding
 * the SHA-256 of the bindings' decoded samples per channel): our decode must equal OpenEXR's bit for bit.
 */
export function itDecodesAsTheBindings(dir: string): void {
  const expected: Record<string, Record<string, string>> = JSON.parse(
    readFileSync(`${dir}/expected.json`, "utf8"),
  );
  for (const [file, channels] of Object.entries(expected)) {
    it(`${file}: every channel equals the bindings' decoded samples`, async () => {
      const px = await readPixels(new BufferSource(new Uint8Array(readFileSync(`${dir}/${file}`))));
      expect(px.findings).toEqual([]);
      expect(Object.fromEntries(px.channels.map((c) => [c.name, sha256(c.data)]))).toEqual(channels);
    });
  }
}
