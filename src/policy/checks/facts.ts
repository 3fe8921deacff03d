import type { AttributeRecord, ChannelRecord, InspectionResult, PartRecord } from "../../core/model.js";

export function attributeOf(part: PartRecord, name: string): AttributeRecord | undefined {
  return part.attributes.find((a) => a.name === name);
}

export function channelsOf(result: InspectionResult, partIndex: number): ChannelRecord[] {
  return result.channels.filter((c) => c.part_index === partIndex);
}

const COLOR_COMPONENTS = new Set(["R", "G", "B", "A", "Y"]);

/** Colour channels: R, G, B, A or Y components of any layer (`R`, `left.G`, `diffuse.B`). */
export function isColorChannel(channel: ChannelRecord): boolean {
  return COLOR_COMPONENTS.has(channel.component_name);
}

/** The file's base name (after the last `/` or `\`). */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return path.slice(cut + 1);
}

/** Deep JSON equality (attribute values are JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((v, i) => jsonEqual(v, bs[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  return (
    keys.length === Object.keys(bo).length &&
    keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]))
  );
}
