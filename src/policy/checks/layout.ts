import type { Box2, PartRecord } from "../../core/model.js";
import type {
  CompressionCheck,
  DeepCheck,
  LineOrderCheck,
  PartCountCheck,
  PixelAspectCheck,
  ResolutionCheck,
  TiledCheck,
  VersionFlagsCheck,
  WindowsMatchCheck,
} from "../model.js";
import { type CheckInput, firstViolation, PASS, show, type Verdict, violation } from "./verdict.js";

export function checkCompression(check: CompressionCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) => {
    const c = String(part.compression);
    const where = { part_index: part.part_index, attribute: "compression" };
    if (check.allowed && !check.allowed.includes(c)) return violation(check.allowed.join(" or "), c, where);
    if (check.forbidden?.includes(c)) return violation(`not ${check.forbidden.join(", ")}`, c, where);
    return PASS;
  });
}

const showBox = (b: Box2 | null) => (b ? `(${b.min.join(",")})-(${b.max.join(",")})` : "absent");
const sameBox = (a: Box2 | null, b: Box2 | null) =>
  a !== null &&
  b !== null &&
  a.min[0] === b.min[0] &&
  a.min[1] === b.min[1] &&
  a.max[0] === b.max[0] &&
  a.max[1] === b.max[1];

export function checkWindowsMatch(_check: WindowsMatchCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) =>
    sameBox(part.data_window, part.display_window)
      ? PASS
      : violation(`dataWindow = displayWindow ${showBox(part.display_window)}`, showBox(part.data_window), {
          part_index: part.part_index,
          attribute: "dataWindow",
        }),
  );
}

export function checkResolution(check: ResolutionCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) => resolutionVerdict(check, part));
}

function resolutionVerdict(check: ResolutionCheck, part: PartRecord): Verdict {
  const display = check.window === "display";
  const w = display ? part.display_width : part.width;
  const h = display ? part.display_height : part.height;
  const bounds: Array<[boolean, string]> = [
    [check.width === undefined || w === check.width, `width ${check.width}`],
    [check.height === undefined || h === check.height, `height ${check.height}`],
    [check.min_width === undefined || (w ?? 0) >= check.min_width, `width >= ${check.min_width}`],
    [check.min_height === undefined || (h ?? 0) >= check.min_height, `height >= ${check.min_height}`],
    [check.max_width === undefined || (w ?? Infinity) <= check.max_width, `width <= ${check.max_width}`],
    [check.max_height === undefined || (h ?? Infinity) <= check.max_height, `height <= ${check.max_height}`],
  ];
  const failed = bounds.filter(([ok]) => !ok).map(([, what]) => what);
  return failed.length
    ? violation(failed.join(", "), `${w ?? "?"}x${h ?? "?"}`, {
        part_index: part.part_index,
        attribute: display ? "displayWindow" : "dataWindow",
      })
    : PASS;
}

export function checkPixelAspect(check: PixelAspectCheck, { result }: CheckInput): Verdict {
  const tolerance = check.tolerance ?? 1e-6;
  return firstViolation(result.parts, (part) => {
    const aspect = part.pixel_aspect_ratio;
    return aspect !== null && Math.abs(aspect - check.equals) <= tolerance
      ? PASS
      : violation(String(check.equals), show(aspect ?? undefined), {
          part_index: part.part_index,
          attribute: "pixelAspectRatio",
        });
  });
}

export function checkLineOrder(check: LineOrderCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) =>
    check.allowed.includes(String(part.line_order))
      ? PASS
      : violation(check.allowed.join(" or "), show(part.line_order ?? undefined), {
          part_index: part.part_index,
          attribute: "lineOrder",
        }),
  );
}

export function checkTiled(check: TiledCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) =>
    part.is_tiled === check.tiled
      ? PASS
      : violation(check.tiled ? "tiled" : "scanline", part.is_tiled ? "tiled" : "scanline", {
          part_index: part.part_index,
        }),
  );
}

export function checkDeep(check: DeepCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) =>
    part.is_deep === check.deep
      ? PASS
      : violation(check.deep ? "deep" : "flat (not deep)", part.is_deep ? "deep" : "flat", {
          part_index: part.part_index,
        }),
  );
}

export function checkPartCount(check: PartCountCheck, { result }: CheckInput): Verdict {
  const n = result.parts.length;
  if (check.min !== undefined && n < check.min) return violation(`at least ${check.min} parts`, `${n}`);
  if (check.max !== undefined && n > check.max) return violation(`at most ${check.max} parts`, `${n}`);
  return PASS;
}

const FLAG_NAMES = ["tiled", "long_names", "non_image", "multipart"] as const;

export function checkVersionFlags(check: VersionFlagsCheck, { result }: CheckInput): Verdict {
  const { version, flags } = result.file;
  const expectedVersion = check.version ?? 2;
  const expected = `version ${expectedVersion}, flags within {${check.allowed_flags.join(", ")}}`;
  if (version !== expectedVersion || !flags) return violation(expected, `version ${version ?? "unknown"}`);
  const set = FLAG_NAMES.filter((f) => flags[f]);
  const extra = set.filter((f) => !check.allowed_flags.includes(f));
  return extra.length ? violation(expected, `flags {${set.join(", ")}}`) : PASS;
}
