import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import { writeExr } from "../../src/core/write/write-exr.js";
import { inspect, inspectFile } from "../../src/inspect/inspect.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import type { ByteSource } from "../../src/io/byte-source.js";

const dir = mkdtempSync(join(tmpdir(), "exr-inspect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = writeExr({
  parts: [
    {
      type: "scanlineimage",
      dataWindow: { min: [0, 0], max: [15, 9] },
      channels: [{ name: "Y", type: "half" }],
    },
  ],
});

describe("inspectFile", () => {
  it("reports path, size, mtime and the frame number", async () => {
    const path = join(dir, "beauty.1001.exr");
    writeFileSync(path, sample);
    const r = await inspectFile(path);
    expect(r.file).toMatchObject({ path, size_bytes: sample.length, frame_number: 1001, is_complete: true });
    expect(r.file.mtime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(r.validation.status).toBe("ok");
  });

  it("a missing file is an EXR_IO_ERROR result, not an exception", async () => {
    for (const io of ["sync", "async"] as const) {
      const r = await inspectFile(join(dir, "missing.exr"), { io });
      expect(r.validation.status).toBe("error");
      expect(r.validation.findings[0]!.code).toBe("EXR_IO_ERROR");
      expect(r.file.is_complete).toBe(false);
    }
  });

  it("blocking and fs/promises reads give the same result, header hash included", async () => {
    const path = join(dir, "same.0007.exr");
    writeFileSync(path, sample);
    const sync = await inspectFile(path);
    const async = await inspectFile(path, { io: "async" });
    expect(async).toEqual(sync);
    expect(sync.file.header_hash).toMatch(/^[0-9a-f]{64}$/);
    const truncated = join(dir, "cut.exr");
    writeFileSync(truncated, sample.subarray(0, sample.length - 3));
    expect(await inspectFile(truncated, { io: "async" })).toEqual(await inspectFile(truncated));
  });
});

describe("inspect", () => {
  it("a failing source becomes EXR_IO_ERROR", async () => {
    const failing: ByteSource = {
      path: "broken:",
      size: async () => 1000,
      read: async () => {
        throw new Error("device gone");
      },
    };
    const r = await inspect(failing);
    expect(r.validation.findings).toContainEqual(expect.objectContaining({ code: "EXR_IO_ERROR" }));
    expect(r.file.is_complete).toBe(false);
  });

  it("a source that returns fewer bytes than its size promised is an EXR_IO_ERROR", async () => {
    const short: ByteSource = {
      path: "short:",
      size: async () => sample.length + 100_000,
      read: async (offset, length) => sample.subarray(offset, Math.min(sample.length, offset + length)),
    };
    const r = await inspect(short);
    expect(r.file.is_complete).toBe(false);
    expect(r.validation.findings).toContainEqual(
      expect.objectContaining({ code: "EXR_IO_ERROR", message: expect.stringMatching(/short read/) }),
    );
  });

  it("the async and in-memory paths agree", async () => {
    const a = await inspect(new BufferSource(sample, "memory:a"));
    const b = inspectBytes(sample, { path: "memory:a" });
    expect({ ...a, file: { ...a.file, header_hash: null } }).toEqual(b);
  });

  it("small first reads grow until the header is complete", async () => {
    const r = await inspect(new BufferSource(sample), { initialReadBytes: 16 });
    expect(r.validation.status).toBe("ok");
    expect(r.file.bytes_read).toBeLessThanOrEqual(sample.length);
  });
});
