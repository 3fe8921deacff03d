import { describe, expect, it } from "vitest";
import { BatchBuilder, type Rendered, type RenderKind } from "../../src/cli/output/render.js";

const item = (text: string, passed = true): Rendered => ({ text, passed, worst: passed ? null : "error" });

/** Texts of every width UTF-8 has: ASCII, two-byte (Cyrillic), three-byte (U+FFFD) and a surrogate pair. */
function texts(count: number, size: number): string[] {
  const pieces = ["plain ascii ", "Кириллица ", "\uFFFD ", "\u{1F600} "];
  return Array.from({ length: count }, (_, i) => {
    let t = `${i}: `;
    while (t.length < size) t += pieces[(i + t.length) % pieces.length];
    return `${t}\n`;
  });
}

function encoded(kind: RenderKind, items: string[]): { text: string; buffer: ArrayBufferLike } {
  const builder = new BatchBuilder(kind, false, true);
  for (const t of items) builder.add(item(t));
  const batch = builder.finish();
  if (typeof batch.text === "string") throw new Error("expected bytes");
  expect(batch.files).toBe(items.length);
  return { text: Buffer.from(batch.text).toString("utf8"), buffer: batch.text.buffer };
}

describe("BatchBuilder with encode (worker threads)", () => {
  it("gives the UTF-8 of the joined texts, whatever the batch's size and the size of the batch before it", () => {
    // Small, then far larger than any buffer so far (grows), then small again and large again (after a large batch
    // the next starts at that size): every byte handed over must be one written for this batch.
    for (const [count, size] of [
      [3, 40],
      [600, 4_000],
      [2, 10],
      [50, 200],
      [900, 6_000],
    ] as const) {
      const items = texts(count, size);
      expect(encoded("ndjson", items).text).toBe(items.join(""));
      expect(encoded("text", items).text).toBe(items.join("\n"));
    }
  });

  it("hands over a buffer of its own each batch: moving one to another thread leaves the next intact", () => {
    const first = encoded("ndjson", texts(2, 30));
    const secondItems = texts(3, 30);
    const builder = new BatchBuilder("ndjson", false, true);
    for (const t of secondItems) builder.add(item(t));
    const second = builder.finish();
    expect(second.text).not.toBeTypeOf("string");
    const bytes = second.text as Uint8Array;
    expect(bytes.buffer).not.toBe(first.buffer);
    structuredClone(first.buffer, { transfer: [first.buffer as ArrayBuffer] });
    expect(first.buffer.byteLength).toBe(0);
    expect(Buffer.from(bytes).toString("utf8")).toBe(secondItems.join(""));
  });

  it("counts failing and passing files, and prints only failing ones when asked to", () => {
    const builder = new BatchBuilder("findings-line", true, true);
    builder.add(item("a ok\n"));
    builder.add(item("b bad\n", false));
    builder.add(item("c ok\n"));
    const batch = builder.finish();
    expect(batch).toMatchObject({ files: 3, failed: 1, warned: 0 });
    expect(Buffer.from(batch.text as Uint8Array).toString("utf8")).toBe("b bad\n");
  });
});
