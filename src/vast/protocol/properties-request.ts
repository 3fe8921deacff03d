/**
 * The small DDL request bodies: `tabular.CreateSchemaRequest`, `AlterSchemaRequest`, `AlterTableRequest`
 * (one `properties` string each) and `AlterColumnRequest` (`properties`, `stats`).
 */
import { Builder } from "flatbuffers";
import { FbTable } from "./fb-table.js";

export interface PropertiesRequest {
  properties: string;
  /** Only AlterColumnRequest has this slot. */
  stats?: string;
}

/** Empty strings are omitted like the SDK does for the alter requests. */
export function encodePropertiesRequest(r: PropertiesRequest, alwaysWriteProperties = false): Uint8Array {
  const b = new Builder(64);
  const props = r.properties || alwaysWriteProperties ? b.createString(r.properties) : 0;
  const stats = r.stats ? b.createString(r.stats) : 0;
  b.startObject(r.stats === undefined ? 1 : 2);
  if (props) b.addFieldOffset(0, props, 0);
  if (stats) b.addFieldOffset(1, stats, 0);
  b.finish(b.endObject());
  return b.asUint8Array();
}

/** An empty or missing body decodes to empty properties. */
export function decodePropertiesRequest(bytes: Uint8Array): PropertiesRequest {
  if (bytes.length < 8) return { properties: "" };
  const t = FbTable.root(bytes);
  const stats = t.str(1);
  return stats === null ? { properties: t.str(0) ?? "" } : { properties: t.str(0) ?? "", stats };
}
