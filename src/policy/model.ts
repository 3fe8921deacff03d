/**
 * Policies: data (YAML or JSON, schema/policy.schema.json) that say what a delivery must look like, evaluated
 * over an inspection result (and pixel statistics when a run computed them). Everything here is plain data, so a
 * resolved policy crosses to worker threads as it is.
 */
import type { Finding, Severity } from "../core/model.js";

/** Attribute value constraints: every given constraint must hold. */
export interface AttributeCheck {
  kind: "attribute";
  name: string;
  /** Absent attribute passes (only its value is checked when present). Default: absent fails. */
  optional?: boolean;
  /** The type name as stored (`int`, `string`, `chromaticities`, …). */
  type?: string;
  /** The value in its JSON encoding (docs/notes/core.md), compared exactly. */
  equals?: unknown;
  one_of?: unknown[];
  min?: number;
  max?: number;
  /** Regular expression the (string) value must match. */
  pattern?: string;
}

export interface RequiredAttributesCheck {
  kind: "required_attributes";
  names: string[];
}

export interface ForbiddenAttributesCheck {
  kind: "forbidden_attributes";
  names: string[];
}

export interface CompressionCheck {
  kind: "compression";
  allowed?: string[];
  forbidden?: string[];
}

/** Which channels a pixel-type or finite-pixel check looks at. */
export type ChannelScope = "all" | "color";

export interface PixelTypesCheck {
  kind: "pixel_types";
  allowed: string[];
  /** `color`: only R, G, B, A and Y components (any layer). Default `all`. */
  channels?: ChannelScope;
}

export interface ChannelSetsCheck {
  kind: "channel_sets";
  /** Each entry is one allowed set of channel names (order does not matter); a part must equal one of them. */
  allowed: string[][];
}

export interface ChannelNamesCheck {
  kind: "channel_names";
  /** Every channel name must match. */
  pattern?: string;
  /** Channel names that must be present (in every image part). */
  required?: string[];
  forbidden?: string[];
}

export interface ChannelSamplingCheck {
  kind: "channel_sampling";
  x: number;
  y: number;
}

export interface WindowsMatchCheck {
  kind: "windows_match";
}

export interface ResolutionCheck {
  kind: "resolution";
  /** Which window's size: the data window (default) or the display window. */
  window?: "data" | "display";
  width?: number;
  height?: number;
  min_width?: number;
  min_height?: number;
  max_width?: number;
  max_height?: number;
}

export interface PixelAspectCheck {
  kind: "pixel_aspect";
  equals: number;
  tolerance?: number;
}

export interface LineOrderCheck {
  kind: "line_order";
  allowed: string[];
}

export interface TiledCheck {
  kind: "tiled";
  /** true: every part must be tiled; false: none may be. */
  tiled: boolean;
}

export interface DeepCheck {
  kind: "deep";
  deep: boolean;
}

export interface PartCountCheck {
  kind: "part_count";
  min?: number;
  max?: number;
}

export interface VersionFlagsCheck {
  kind: "version_flags";
  /** Version number (low 8 bits of the version field); default 2. */
  version?: number;
  /** Flags that may be set (`tiled`, `long_names`, `non_image`, `multipart`); any other set flag fails. */
  allowed_flags: Array<"tiled" | "long_names" | "non_image" | "multipart">;
}

export interface Chromaticities {
  red: [number, number];
  green: [number, number];
  blue: [number, number];
  white: [number, number];
}

export interface ChromaticitiesCheck {
  kind: "chromaticities";
  /** A named primaries set (`ap0`, `ap1`, `rec709`, `rec2020`, `p3d65`) or explicit coordinates. */
  expected: string | Chromaticities;
  /** Largest allowed difference of any coordinate. Default 1e-4. */
  tolerance?: number;
}

export interface FileNameCheck {
  kind: "file_name";
  /** Regular expression the file's base name must match. */
  pattern: string;
}

export interface FrameNumberCheck {
  kind: "frame_number";
  /** The name must carry a frame number (docs/notes/core.md's rule). Default true. */
  required?: boolean;
  /** Minimum digits of the frame number as written (`0042` has 4). */
  min_padding?: number;
  min?: number;
  max?: number;
}

export interface SizeLimitsCheck {
  kind: "size_limits";
  min_file_bytes?: number;
  max_file_bytes?: number;
  max_header_bytes?: number;
}

export interface FinitePixelsCheck {
  kind: "finite_pixels";
  /** Default `color`. */
  channels?: ChannelScope;
}

export interface AnyOfCheck {
  kind: "any_of";
  checks: Check[];
}

export type Check =
  | AttributeCheck
  | RequiredAttributesCheck
  | ForbiddenAttributesCheck
  | CompressionCheck
  | PixelTypesCheck
  | ChannelSetsCheck
  | ChannelNamesCheck
  | ChannelSamplingCheck
  | WindowsMatchCheck
  | ResolutionCheck
  | PixelAspectCheck
  | LineOrderCheck
  | TiledCheck
  | DeepCheck
  | PartCountCheck
  | VersionFlagsCheck
  | ChromaticitiesCheck
  | FileNameCheck
  | FrameNumberCheck
  | SizeLimitsCheck
  | FinitePixelsCheck
  | AnyOfCheck;

export interface Rule {
  /** Stable id: findings, catalog rows and overrides refer to it. */
  id: string;
  severity: Severity;
  check: Check;
  message: string;
  suggested_fix: string;
  /** Where the rule comes from (a public document, or "derived: …" for our own judgement). */
  source?: string;
}

/** A policy with `extends` and overrides applied: what the evaluator runs. */
export interface Policy {
  id: string;
  title: string;
  description?: string;
  /** Ids of the policies this one was built from, nearest first. */
  extends: string[];
  rules: Rule[];
}

/** Per-channel pixel statistics as `exr-inspector stats` prints them (only the fields policies read). */
export interface ChannelStats {
  name: string;
  nan_count: number;
  inf_count: number;
}

export interface PixelStats {
  parts: Array<{ part_index: number; levels: Array<{ level: [number, number]; channels: ChannelStats[] }> }>;
}

/** What one rule concluded about one file. */
export type RuleOutcome = "pass" | "fail" | "needs_stats" | "not_evaluated";

export interface RuleResult {
  policy_id: string;
  rule_id: string;
  severity: Severity;
  outcome: RuleOutcome;
  /** Set unless the rule passed. */
  message: string | null;
  expected: string | null;
  actual: string | null;
  suggested_fix: string | null;
  part_index: number | null;
  attribute: string | null;
}

/** A policy finding: the structural finding shape plus the rule that produced it. */
export interface PolicyFinding extends Finding {
  rule_id: string;
  policy_id: string;
  expected: string | null;
  actual: string | null;
  suggested_fix: string | null;
}
