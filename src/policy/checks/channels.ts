import type { ChannelRecord } from "../../core/model.js";
import type {
  ChannelNamesCheck,
  ChannelSamplingCheck,
  ChannelScope,
  ChannelSetsCheck,
  PixelTypesCheck,
} from "../model.js";
import { channelsOf, isColorChannel } from "./facts.js";
import { regex } from "./pattern.js";
import { type CheckInput, firstViolation, PASS, type Verdict, violation } from "./verdict.js";

export function inScope(scope: ChannelScope | undefined, channel: ChannelRecord): boolean {
  return scope !== "color" || isColorChannel(channel);
}

export function checkPixelTypes(check: PixelTypesCheck, { result }: CheckInput): Verdict {
  const channels = result.channels.filter((c) => inScope(check.channels, c));
  return firstViolation(channels, (c) =>
    check.allowed.includes(String(c.type))
      ? PASS
      : violation(`pixel type ${check.allowed.join(" or ")}`, `${c.name}: ${c.type}`, {
          part_index: c.part_index,
          attribute: "channels",
        }),
  );
}

const sortedNames = (names: readonly string[]) => [...names].sort();

export function checkChannelSets(check: ChannelSetsCheck, { result }: CheckInput): Verdict {
  const allowed = check.allowed.map((set) => sortedNames(set).join(","));
  return firstViolation(result.parts, (part) => {
    const actual = sortedNames(channelsOf(result, part.part_index).map((c) => c.name)).join(",");
    return allowed.includes(actual)
      ? PASS
      : violation(`one of {${allowed.join("} {")}}`, `{${actual}}`, {
          part_index: part.part_index,
          attribute: "channels",
        });
  });
}

export function checkChannelNames(check: ChannelNamesCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) => {
    const where = { part_index: part.part_index, attribute: "channels" };
    const names = channelsOf(result, part.part_index).map((c) => c.name);
    if (check.pattern !== undefined) {
      const bad = names.filter((n) => !regex(check.pattern!).test(n));
      if (bad.length) return violation(`names matching /${check.pattern}/`, bad.join(", "), where);
    }
    const missing = (check.required ?? []).filter((n) => !names.includes(n));
    if (missing.length)
      return violation(`channels ${check.required!.join(", ")}`, `missing ${missing.join(", ")}`, where);
    const forbidden = (check.forbidden ?? []).filter((n) => names.includes(n));
    if (forbidden.length)
      return violation(`no channel ${check.forbidden!.join(", ")}`, forbidden.join(", "), where);
    return PASS;
  });
}

export function checkChannelSampling(check: ChannelSamplingCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.channels, (c) =>
    c.x_sampling === check.x && c.y_sampling === check.y
      ? PASS
      : violation(`sampling ${check.x}x${check.y}`, `${c.name}: ${c.x_sampling}x${c.y_sampling}`, {
          part_index: c.part_index,
          attribute: "channels",
        }),
  );
}
