import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { frameNumberFromPath } from "../../src/core/frame-number.js";
import { formatFrame, formatFrameName, parseFrameName } from "../../src/sequences/frame-name.js";

const word = fc.stringMatching(/^[A-Za-z](?:[A-Za-z0-9_]{0,6}[A-Za-z0-9])?$/);
/** Prefixes as render farms write them: words joined by separators, digits allowed after a letter. */
const prefix = fc
  .array(word, { minLength: 1, maxLength: 4 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(".", "_", "-"), { minLength: words.length - 1, maxLength: words.length - 1 })
      .map((seps) => words.map((w, i) => (i === 0 ? w : `${seps[i - 1]}${w}`)).join("")),
  );
const viewTokens = fc.array(fc.constantFrom(".left", ".right", ".beauty", ".v2", ".L"), { maxLength: 2 });
const extension = fc.constantFrom(".exr", ".EXR", ".dpx");

describe("parseFrameName", () => {
  it("reads the names the issue lists", () => {
    expect(parseFrameName("beauty.1001.exr")).toEqual({
      prefix: "beauty",
      separator: ".",
      digits: "1001",
      frame: 1001,
      suffix: ".exr",
    });
    expect(parseFrameName("beauty_1001.exr")).toMatchObject({
      prefix: "beauty",
      separator: "_",
      frame: 1001,
    });
    expect(parseFrameName("beauty.1001.left.exr")).toMatchObject({ frame: 1001, suffix: ".left.exr" });
    expect(parseFrameName("beauty.0042.exr")).toMatchObject({ frame: 42, digits: "0042" });
    expect(parseFrameName("beauty.7.exr")).toMatchObject({ frame: 7, digits: "7" });
    expect(parseFrameName("beauty.-0005.exr")).toMatchObject({ prefix: "beauty", separator: ".", frame: -5 });
    expect(parseFrameName("beauty_-12.exr")).toMatchObject({ separator: "_", frame: -12 });
    expect(parseFrameName("beauty--3.exr")).toMatchObject({ prefix: "beauty", separator: "-", frame: -3 });
    expect(parseFrameName("beauty-0005.exr")).toMatchObject({ prefix: "beauty", separator: "-", frame: 5 });
    expect(parseFrameName("sh010_v003.1001.exr")).toMatchObject({ prefix: "sh010_v003", frame: 1001 });
    expect(parseFrameName("1001.exr")).toMatchObject({ prefix: "", separator: "", frame: 1001 });
    expect(parseFrameName("a.1.2.exr")).toMatchObject({ prefix: "a.1", frame: 2 });
  });

  it("finds no frame in names without one", () => {
    for (const name of [
      "Desk.exr",
      "beauty1001.exr",
      "shot_v003.exr",
      "beauty.1001",
      "b.1234567890.exr",
      "x.exr",
    ])
      expect(parseFrameName(name), name).toBeNull();
  });

  it("round-trips every name the grammar writes (any padding, negative frames, view tokens)", () => {
    fc.assert(
      fc.property(
        prefix,
        fc.constantFrom(".", "_", "-"),
        fc.integer({ min: -99_999, max: 999_999_999 }),
        fc.integer({ min: 1, max: 9 }),
        viewTokens,
        extension,
        (pre, separator, frame, padding, views, ext) => {
          const suffix = `${views.join("")}${ext}`;
          const name = formatFrameName({ prefix: pre, separator, suffix }, frame, padding);
          const parsed = parseFrameName(name);
          expect(parsed, name).not.toBeNull();
          expect(parsed?.frame).toBe(frame);
          expect(parsed?.digits).toBe(formatFrame(Math.abs(frame), padding));
          expect(parsed?.suffix).toBe(suffix);
          expect(parsed?.prefix).toBe(pre);
          expect(parsed?.separator).toBe(separator);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("agrees with the catalog's frame_number on names ending in the frame", () => {
    fc.assert(
      fc.property(
        prefix,
        fc.constantFrom(".", "_"),
        fc.integer({ min: -9999, max: 99_999 }),
        fc.integer({ min: 1, max: 6 }),
        (pre, sep, frame, padding) => {
          const name = formatFrameName({ prefix: pre, separator: sep, suffix: ".exr" }, frame, padding);
          expect(parseFrameName(name)?.frame).toBe(frameNumberFromPath(`/shots/${name}`));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("never throws and reports frames only as exact integers", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const parsed = parseFrameName(name);
        if (parsed) {
          expect(Number.isSafeInteger(parsed.frame)).toBe(true);
          expect(name.endsWith(parsed.suffix)).toBe(true);
          expect(name.includes(parsed.digits)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
