import { finding } from "../findings.js";
import { numberFromJson } from "../json-number.js";
import { isInverted } from "../part-derive.js";
import type { PartRule } from "./rule.js";

/** Windows not inverted, pixel aspect ratio and screen window width in range, a valid tile description. */
export const geometry: PartRule = ({ header: h, part, at, out }) => {
  for (const name of ["dataWindow", "displayWindow"] as const) {
    const box = name === "dataWindow" ? part.data_window : part.display_window;
    if (box && isInverted(box)) {
      out.push(
        finding(
          "EXR_INVALID_WINDOW",
          `${name} max (${box.max.join(",")}) is below min (${box.min.join(",")})`,
          at(name),
        ),
      );
    }
  }

  const par = h.byName.get("pixelAspectRatio");
  const parValue = numberFromJson(par?.value);
  if (par?.type === "float" && !(parValue !== null && parValue > 0 && Number.isFinite(parValue))) {
    out.push(
      finding(
        "EXR_INVALID_PIXEL_ASPECT_RATIO",
        `pixelAspectRatio ${String(par.value)} is not finite and positive`,
        at("pixelAspectRatio"),
      ),
    );
  }
  const sww = h.byName.get("screenWindowWidth");
  const swwValue = numberFromJson(sww?.value);
  if (sww?.type === "float" && !(swwValue !== null && swwValue >= 0 && Number.isFinite(swwValue))) {
    out.push(
      finding(
        "EXR_INVALID_SCREEN_WINDOW_WIDTH",
        `screenWindowWidth ${String(sww.value)} is not finite and >= 0`,
        at("screenWindowWidth"),
      ),
    );
  }

  const tiles = h.byName.get("tiles");
  if (
    part.is_tiled &&
    tiles?.type === "tiledesc" &&
    tiles.value &&
    typeof tiles.value === "object" &&
    !Array.isArray(tiles.value)
  ) {
    const t = tiles.value;
    const problems: string[] = [];
    if (t.x_size === 0 || t.y_size === 0) problems.push(`tile size ${t.x_size}x${t.y_size}`);
    if (typeof t.level_mode === "number") problems.push(`level mode ${t.level_mode}`);
    if (typeof t.rounding_mode === "number") problems.push(`rounding mode ${t.rounding_mode}`);
    if (problems.length > 0) {
      out.push(
        finding(
          "EXR_INVALID_TILE_DESCRIPTION",
          `invalid tile description: ${problems.join(", ")}`,
          at("tiles"),
        ),
      );
    }
  }
};
