import { type CodecChannel, type CodecFailure, fail } from "./types.js";

/** How DWA stores one channel (OpenEXRCore's CompressorScheme). */
export type DwaScheme = "unknown" | "lossy-dct" | "rle";

const SCHEMES: readonly DwaScheme[] = ["unknown", "lossy-dct", "rle"];
const PIXEL_TYPES = ["uint", "half", "float"] as const;

/** One channel rule: channels whose name suffix (after the last '.') and type match use `scheme`. */
interface ChannelRule {
  readonly suffix: Uint8Array;
  readonly scheme: DwaScheme;
  readonly type: (typeof PIXEL_TYPES)[number];
  /** Position in an R'G'B' triple (0, 1, 2) or -1. */
  readonly cscIndex: number;
  readonly caseInsensitive: boolean;
}

const ascii = (s: string) => new TextEncoder().encode(s);

function rules(
  list: readonly [string, DwaScheme, readonly (typeof PIXEL_TYPES)[number][], number][],
  caseInsensitive: boolean,
): ChannelRule[] {
  return list.flatMap(([suffix, scheme, types, cscIndex]) =>
    types.map((type) => ({ suffix: ascii(suffix), scheme, type, cscIndex, caseInsensitive })),
  );
}

const HF = ["half", "float"] as const;
const UHF = ["uint", "half", "float"] as const;

/** The rules of DWA data blocks before version 2 (sLegacyChannelRules), which do not carry their own. */
export const LEGACY_RULES: readonly ChannelRule[] = rules(
  [
    ["r", "lossy-dct", HF, 0],
    ["red", "lossy-dct", HF, 0],
    ["g", "lossy-dct", HF, 1],
    ["grn", "lossy-dct", HF, 1],
    ["green", "lossy-dct", HF, 1],
    ["b", "lossy-dct", HF, 2],
    ["blu", "lossy-dct", HF, 2],
    ["blue", "lossy-dct", HF, 2],
    ["y", "lossy-dct", HF, -1],
    ["by", "lossy-dct", HF, -1],
    ["ry", "lossy-dct", HF, -1],
    ["a", "rle", UHF, -1],
  ],
  true,
);

/**
 * The rule table at the start of a version-2 DWA block (DwaCompressor_readChannelRules + Classifier_read):
 * a little-endian u16 total size (itself included), then per rule a NUL-terminated suffix of at most 128
 * bytes, a packed byte (csc index + 1 << 4 | scheme << 2 | case-insensitive) and the pixel type.
 */
export function readChannelRules(
  b: Uint8Array,
  at: number,
  end: number,
): { rules: ChannelRule[]; bytes: number } | CodecFailure {
  if (end - at <= 2) return fail("DWA channel rules are cut off");
  const ruleSize = b[at]! | (b[at + 1]! << 8);
  if (ruleSize < 2) return fail(`DWA channel rules claim ${ruleSize} bytes`);
  if (end - at < ruleSize) return fail("DWA channel rules pass the end of the chunk");
  const out: ChannelRule[] = [];
  let p = at + 2;
  let size = ruleSize - 2;
  while (size > 0) {
    if (size <= 3) return fail("DWA channel rule is cut off");
    let len = 0;
    for (; len < 129; len++) {
      if (len > size - 3) return fail("DWA channel rule suffix is not terminated");
      if (b[p + len] === 0) break;
    }
    if (len === 129) return fail("DWA channel rule suffix is longer than 128 bytes");
    const suffix = b.slice(p, p + len);
    len += 1;
    if (size < len + 2) return fail("DWA channel rule is cut off");
    const value = b[p + len]!;
    const type = b[p + len + 1]!;
    p += len + 2;
    size -= len + 2;
    const cscIndex = (value >> 4) - 1;
    const scheme = SCHEMES[(value >> 2) & 3];
    const pixelType = PIXEL_TYPES[type];
    if (cscIndex > 2 || !scheme || !pixelType) return fail("DWA channel rule has an invalid scheme or type");
    out.push({ suffix, scheme, type: pixelType, cscIndex, caseInsensitive: (value & 1) === 1 });
  }
  return { rules: out, bytes: ruleSize };
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matches(rule: ChannelRule, suffix: Uint8Array, type: string): boolean {
  if (rule.type !== type || rule.suffix.length !== suffix.length) return false;
  for (let i = 0; i < suffix.length; i++) {
    const a = suffix[i]!;
    const b = rule.suffix[i]!;
    if (a !== b && !(rule.caseInsensitive && lower(a) === lower(b))) return false;
  }
  return true;
}

export interface DwaClassification {
  /** Scheme per channel, in stored order. */
  readonly schemes: DwaScheme[];
  /** R'G'B' triples decoded together through Y'CbCr: channel indices [r, g, b]. */
  readonly cscSets: [number, number, number][];
}

/** DwaCompressor_classifyChannels: the last matching rule wins; RGB triples of one layer with equal sampling. */
export function classifyChannels(
  channels: readonly CodecChannel[],
  ruleList: readonly ChannelRule[],
): DwaClassification {
  const schemes: DwaScheme[] = [];
  const prefixes: { prefix: Uint8Array; idx: [number, number, number] }[] = [];
  channels.forEach((c, ci) => {
    const name = ascii(c.name);
    const dot = name.lastIndexOf(46);
    const prefix = name.subarray(0, dot + 1);
    const suffix = name.subarray(dot + 1);
    let entry = prefixes.find(
      (p) => p.prefix.length === prefix.length && p.prefix.every((v, i) => v === prefix[i]),
    );
    if (!entry) {
      entry = { prefix, idx: [-1, -1, -1] };
      prefixes.push(entry);
    }
    let scheme: DwaScheme = "unknown";
    for (const rule of ruleList) {
      if (!matches(rule, suffix, c.type)) continue;
      scheme = rule.scheme;
      if (rule.cscIndex >= 0) entry.idx[rule.cscIndex] = ci;
    }
    schemes.push(scheme);
  });
  const cscSets: [number, number, number][] = [];
  for (const { idx } of prefixes) {
    const [r, g, b] = idx;
    if (r < 0 || g < 0 || b < 0) continue;
    const rc = channels[r]!;
    const gc = channels[g]!;
    const bc = channels[b]!;
    if (rc.xSampling !== gc.xSampling || rc.xSampling !== bc.xSampling) continue;
    if (rc.ySampling !== gc.ySampling || rc.ySampling !== bc.ySampling) continue;
    cscSets.push([r, g, b]);
  }
  return { schemes, cscSets };
}
