import type { Check } from "../model.js";
import { checkAttribute, checkForbiddenAttributes, checkRequiredAttributes } from "./attributes.js";
import { checkChannelNames, checkChannelSampling, checkChannelSets, checkPixelTypes } from "./channels.js";
import { checkChromaticities } from "./color.js";
import {
  checkCompression,
  checkDeep,
  checkLineOrder,
  checkPartCount,
  checkPixelAspect,
  checkResolution,
  checkTiled,
  checkVersionFlags,
  checkWindowsMatch,
} from "./layout.js";
import { checkFileName, checkFrameNumber } from "./naming.js";
import { checkFinitePixels } from "./pixels.js";
import { checkSizeLimits } from "./size.js";
import { type CheckInput, type Verdict, violation } from "./verdict.js";

export type { CheckInput, Verdict } from "./verdict.js";

/** Runs one check: the fixed set of check kinds a policy can use. */
export function runCheck(check: Check, input: CheckInput): Verdict {
  switch (check.kind) {
    case "attribute":
      return checkAttribute(check, input);
    case "required_attributes":
      return checkRequiredAttributes(check, input);
    case "forbidden_attributes":
      return checkForbiddenAttributes(check, input);
    case "compression":
      return checkCompression(check, input);
    case "pixel_types":
      return checkPixelTypes(check, input);
    case "channel_sets":
      return checkChannelSets(check, input);
    case "channel_names":
      return checkChannelNames(check, input);
    case "channel_sampling":
      return checkChannelSampling(check, input);
    case "windows_match":
      return checkWindowsMatch(check, input);
    case "resolution":
      return checkResolution(check, input);
    case "pixel_aspect":
      return checkPixelAspect(check, input);
    case "line_order":
      return checkLineOrder(check, input);
    case "tiled":
      return checkTiled(check, input);
    case "deep":
      return checkDeep(check, input);
    case "part_count":
      return checkPartCount(check, input);
    case "version_flags":
      return checkVersionFlags(check, input);
    case "chromaticities":
      return checkChromaticities(check, input);
    case "file_name":
      return checkFileName(check, input);
    case "frame_number":
      return checkFrameNumber(check, input);
    case "size_limits":
      return checkSizeLimits(check, input);
    case "finite_pixels":
      return checkFinitePixels(check, input);
    case "any_of":
      return anyOf(check.checks, input);
  }
}

/** Passes when one of the checks passes; otherwise reports every alternative's expectation. */
function anyOf(checks: Check[], input: CheckInput): Verdict {
  const expected: string[] = [];
  const actual: string[] = [];
  let needsStats = false;
  for (const check of checks) {
    const verdict = runCheck(check, input);
    if ("needsStats" in verdict) needsStats = true;
    else if (verdict.pass) return verdict;
    else {
      expected.push(verdict.expected);
      actual.push(verdict.actual);
    }
  }
  if (needsStats) return { needsStats: true };
  return violation(expected.join("; or "), actual.join("; "));
}
