/**
 * Structural validation, its own phase after parsing: the rules of the OpenEXR file layout, one module each under
 * validation/, run in a fixed order over the decoded headers and derived parts. Completeness findings come from the
 * offset-table analysis; checks over a finished result (policies) plug in through validation/result-rules.ts.
 */
import type { DecodedHeader } from "./header-decode.js";
import type { ChannelRecord, Finding, PartRecord, VersionFlags } from "./model.js";
import { attributeTypes } from "./validation/attribute-types.js";
import { channelList } from "./validation/channel-list.js";
import { chunkCount } from "./validation/chunk-count.js";
import { enumValues } from "./validation/enum-values.js";
import { flagCombination } from "./validation/flag-combination.js";
import { geometry } from "./validation/geometry.js";
import { uniquePartNames } from "./validation/part-names.js";
import { partType } from "./validation/part-type.js";
import { partVersion } from "./validation/part-version.js";
import { requiredAttributes } from "./validation/required-attributes.js";
import type { FileRule, PartRule } from "./validation/rule.js";
import { sharedAttributes } from "./validation/shared-attributes.js";

/** Rules over one part, in the order their findings are reported. */
export const PART_RULES: readonly PartRule[] = [
  attributeTypes,
  requiredAttributes,
  partType,
  partVersion,
  enumValues,
  geometry,
  channelList,
  chunkCount,
];

/** Rules over the whole file: before the parts (flags) and after them (what parts must share or not repeat). */
const FILE_RULES_FIRST: readonly FileRule[] = [flagCombination];
const FILE_RULES_LAST: readonly FileRule[] = [sharedAttributes, uniquePartNames];

/** Runs every structural rule; returns the coded findings in a stable order. */
export function validateFile(
  flags: VersionFlags,
  headers: readonly DecodedHeader[],
  parts: readonly PartRecord[],
  channels: readonly ChannelRecord[],
): Finding[] {
  const out: Finding[] = [];
  const file = { flags, headers, parts, channels, out };
  for (const rule of FILE_RULES_FIRST) rule(file);
  headers.forEach((header, i) => {
    const part = parts[i];
    if (!part) return;
    const ctx = {
      flags,
      header,
      part,
      channels: channels.filter((c) => c.part_index === i),
      at: (attribute: string) => ({
        part_index: part.part_index,
        attribute,
        byte_offset: header.byName.get(attribute)?.offset ?? null,
      }),
      out,
    };
    for (const rule of PART_RULES) rule(ctx);
  });
  for (const rule of FILE_RULES_LAST) rule(file);
  return out;
}
