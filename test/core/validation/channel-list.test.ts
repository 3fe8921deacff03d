import { describe, expect, it } from "vitest";
import type { AttributeRecord, ChannelRecord, Finding, PartRecord } from "../../../src/core/model.js";
import { channelList } from "../../../src/core/validation/channel-list.js";
import type { PartContext } from "../../../src/core/validation/rule.js";

// The channel-list rule on its own, over channel lists a written file cannot easily hold: every valid pixel type,
// an empty list with and without a readable channels attribute, duplicates in every position.

const chan = (name: string, type = "half", x_sampling = 1, y_sampling = 1): ChannelRecord => ({
  part_index: 0,
  name,
  layer_name: null,
  component_name: name,
  type,
  x_sampling,
  y_sampling,
  p_linear: false,
});

function run(
  channels: ChannelRecord[],
  attributes: Partial<AttributeRecord>[] = [],
  window = [0, 0, 7, 3],
): Finding[] {
  const out: Finding[] = [];
  const part = {
    part_index: 0,
    data_window: { min: [window[0], window[1]], max: [window[2], window[3]] },
    attributes: attributes.map((a) => ({ name: "x", type: "int", size: 4, offset: 0, value: 0, ...a })),
  } as unknown as PartRecord;
  const ctx = {
    part,
    channels,
    at: (attribute: string) => ({ part_index: 0, attribute, byte_offset: 77 }),
    out,
  } as unknown as PartContext;
  channelList(ctx);
  return out;
}
const codes = (f: Finding[]) => f.map((x) => x.code);

describe("channel-list rule", () => {
  it("half, float and uint are valid pixel types; anything else is reported at the channels attribute", () => {
    expect(run([chan("A", "float"), chan("B", "half"), chan("C", "uint")])).toEqual([]);
    const bad = run([chan("A", "7")]);
    expect(bad.map(({ message, ...f }) => f)).toEqual([
      {
        code: "EXR_INVALID_CHANNEL_TYPE",
        severity: "error",
        part_index: 0,
        attribute: "channels",
        chunk_index: null,
        byte_offset: 77,
      },
    ]);
  });

  it("an empty list is reported only when the channels attribute itself was read as an empty chlist", () => {
    const chlist = { name: "channels", type: "chlist", value: [] };
    expect(codes(run([], [chlist]))).toEqual(["EXR_NO_CHANNELS"]);
    expect(run([], [])).toEqual([]);
    expect(run([], [{ ...chlist, type: "string", value: [] as never }])).toEqual([]);
    expect(run([], [{ ...chlist, value: { bytes: "AA==" } as never }])).toEqual([]);
    expect(run([], [{ ...chlist, name: "other" }])).toEqual([]);
    expect(run([chan("A")], [chlist])).toEqual([]);
  });

  it("duplicates anywhere are reported once per repeat; only the first disorder is reported", () => {
    expect(codes(run([chan("A"), chan("B"), chan("B")]))).toEqual(["EXR_DUPLICATE_CHANNEL"]);
    expect(codes(run([chan("A"), chan("A")]))).toEqual(["EXR_DUPLICATE_CHANNEL"]);
    expect(codes(run([chan("B"), chan("A"), chan("B"), chan("A")]))).toEqual([
      "EXR_CHANNELS_NOT_SORTED",
      "EXR_DUPLICATE_CHANNEL",
      "EXR_DUPLICATE_CHANNEL",
    ]);
    expect(run([chan("A"), chan("B"), chan("C")])).toEqual([]);
  });

  it("sampling: checked against the data window's origin and size on each axis", () => {
    expect(run([chan("A", "half", 2, 2)], [], [0, 0, 7, 3])).toEqual([]);
    expect(run([chan("A", "half", 2, 2)], [], [2, -2, 9, 1])).toEqual([]);
    const origin = run([chan("A", "half", 2, 1)], [], [1, 0, 8, 3]);
    expect(codes(origin)).toEqual(["EXR_INVALID_SAMPLING"]);
    expect(origin[0]!.message).toContain("origin 1 is not a multiple of x sampling 2");
    expect(origin[0]!.message).not.toContain("size");
    const size = run([chan("A", "half", 1, 3)], [], [0, 0, 7, 4]);
    expect(size[0]!.message).toContain("y size 5 is not a multiple of y sampling 3");
    expect(size[0]!.message).not.toContain("origin");
    // an inverted window: only the sampling values themselves are checked
    expect(run([chan("A", "half", 2, 2)], [], [5, 5, 0, 0])).toEqual([]);
    expect(codes(run([chan("A", "half", 0, 1)], [], [5, 5, 0, 0]))).toEqual(["EXR_INVALID_SAMPLING"]);
  });
});
