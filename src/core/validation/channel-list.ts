import { finding } from "../findings.js";
import { isInverted } from "../part-derive.js";
import type { PartRule } from "./rule.js";

/** Channel list: not empty, valid pixel types and sampling, no duplicates, sorted names. */
export const channelList: PartRule = ({ part, channels, at, out }) => {
  const loc = at("channels");
  const dw = part.data_window;
  const window = dw !== null && !isInverted(dw) ? dw : null;
  // While names ascend strictly (the rule, and the usual case) none can repeat: the set of names
  // seen is built only once one does not.
  let seen: Set<string> | null = null;
  let previous: string | null = null;
  let unsortedReported = false;
  if (
    channels.length === 0 &&
    part.attributes.some((a) => a.name === "channels" && a.type === "chlist" && Array.isArray(a.value))
  ) {
    out.push(finding("EXR_NO_CHANNELS", "the channel list is empty", loc));
  }
  for (let i = 0; i < channels.length; i++) {
    const c = channels[i]!;
    if (c.type !== "uint" && c.type !== "half" && c.type !== "float") {
      out.push(finding("EXR_INVALID_CHANNEL_TYPE", `channel "${c.name}" has pixel type ${c.type}`, loc));
    }
    if (!(c.x_sampling === 1 && c.y_sampling === 1)) {
      let bad: string[] | null = samplingProblems(null, "x", c.x_sampling, window, 0);
      bad = samplingProblems(bad, "y", c.y_sampling, window, 1);
      if (bad !== null)
        out.push(finding("EXR_INVALID_SAMPLING", `channel "${c.name}": ${bad.join("; ")}`, loc));
    }
    if (seen === null && previous !== null && !(c.name > previous))
      seen = new Set(channels.slice(0, i).map((earlier) => earlier.name));
    if (seen !== null) {
      if (seen.has(c.name))
        out.push(finding("EXR_DUPLICATE_CHANNEL", `channel "${c.name}" appears twice`, loc));
      seen.add(c.name);
    }
    if (previous !== null && c.name < previous && !unsortedReported) {
      unsortedReported = true;
      out.push(finding("EXR_CHANNELS_NOT_SORTED", `channel "${c.name}" follows "${previous}"`, loc));
    }
    previous = c.name;
  }
};

/** Appends what is wrong with one axis's sampling to `bad` (created on the first problem). */
function samplingProblems(
  bad: string[] | null,
  axis: "x" | "y",
  s: number,
  dw: { min: number[]; max: number[] } | null,
  i: 0 | 1,
): string[] | null {
  if (!(s >= 1)) return [...(bad ?? []), `${axis} sampling ${s} < 1`];
  if (dw === null) return bad;
  let out = bad;
  if (dw.min[i]! % s !== 0)
    out = [
      ...(out ?? []),
      `data window ${axis} origin ${dw.min[i]} is not a multiple of ${axis} sampling ${s}`,
    ];
  const size = dw.max[i]! - dw.min[i]! + 1;
  if (size % s !== 0)
    out = [...(out ?? []), `data window ${axis} size ${size} is not a multiple of ${axis} sampling ${s}`];
  return out;
}
