import type { ChannelRecord, JsonAttributeValue } from "./model.js";

/** The readable text of an encoded string value (plain string, or the `{text}` of non-UTF-8 text). */
export function textOf(v: JsonAttributeValue | undefined): string | null {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && !Array.isArray(v) && typeof v.text === "string") return v.text;
  return null;
}

/** Splits a channel name at its last dot: `diffuse.R` → (`diffuse`, `R`); `R` → (null, `R`). */
export function splitChannelName(name: string): { layer: string | null; component: string } {
  const dot = name.lastIndexOf(".");
  return dot < 0
    ? { layer: null, component: name }
    : { layer: name.slice(0, dot), component: name.slice(dot + 1) };
}

/** Channel records of one part from its decoded `chlist` value. */
export function channelRecords(part: number, chlist: JsonAttributeValue | undefined): ChannelRecord[] {
  if (!Array.isArray(chlist)) return [];
  const out: ChannelRecord[] = [];
  for (const c of chlist) {
    if (!c || typeof c !== "object" || Array.isArray(c)) continue;
    const name = textOf(c.name) ?? "";
    const { layer, component } = splitChannelName(name);
    out.push({
      part_index: part,
      name,
      layer_name: layer,
      component_name: component,
      type: String(c.type), // a number when the stored type is unknown
      x_sampling: c.x_sampling as number,
      y_sampling: c.y_sampling as number,
      p_linear: c.p_linear === true,
    });
  }
  return out;
}
