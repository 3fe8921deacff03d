import type { DecodeHost } from "./attributes/decoded.js";
import { countIdManifest, type Inflate } from "./attributes/idmanifest.js";
import { decodeAttributeValue } from "./attributes/registry.js";
import { finding } from "./findings.js";
import type { RawAttribute, RawHeader } from "./header-scan.js";
import type { AttributeRecord, Finding } from "./model.js";

export interface DecodedHeader {
  offset: number;
  terminated: boolean;
  /** Every stored attribute in stored order. */
  attributes: AttributeRecord[];
  /** First attribute of each name (a duplicate is reported, not used). */
  byName: Map<string, AttributeRecord>;
}

function locationOf(part: number, a: RawAttribute) {
  return { part_index: part, attribute: a.name, byte_offset: a.offset };
}

/** Decodes every attribute value of the scanned headers; `buf` must hold all their bytes. */
export function decodeHeaders(
  buf: Uint8Array,
  headers: readonly RawHeader[],
  host: DecodeHost & { inflate?: Inflate } = {},
): { headers: DecodedHeader[]; findings: Finding[] } {
  const inflate = host.inflate;
  const findings: Finding[] = [];
  // Built by push, not Array#map: see Inspection.setHeaders.
  const out: DecodedHeader[] = [];
  for (let part = 0; part < headers.length; part++) {
    const h = headers[part]!;
    const attributes: AttributeRecord[] = [];
    const byName = new Map<string, AttributeRecord>();
    for (const a of h.attributes) {
      const bytes = buf.subarray(a.valueOffset, a.valueOffset + a.size);
      const decoded = decodeAttributeValue(a.type, bytes, host);
      if (inflate && a.type === "idmanifest" && !decoded.problem) {
        const counts = countIdManifest(bytes, inflate);
        if ("problem" in counts) {
          findings.push(
            finding("EXR_IDMANIFEST_INVALID", counts.problem, {
              part_index: part,
              attribute: a.name,
              byte_offset: a.offset,
            }),
          );
        } else {
          decoded.value = { ...(decoded.value as Record<string, number>), ...counts };
        }
      }
      const record: AttributeRecord = {
        name: a.name,
        type: a.type,
        size: a.size,
        offset: a.offset,
        value: decoded.value,
      };
      attributes.push(record);
      if (decoded.problem)
        findings.push(finding("EXR_ATTRIBUTE_SIZE_MISMATCH", decoded.problem, locationOf(part, a)));
      if (decoded.invalidUtf8) {
        findings.push(
          finding(
            "EXR_INVALID_UTF8",
            `attribute "${a.name}" holds text that is not valid UTF-8`,
            locationOf(part, a),
          ),
        );
      }
      if (byName.has(a.name)) {
        findings.push(
          finding(
            "EXR_DUPLICATE_ATTRIBUTE",
            `attribute "${a.name}" appears more than once`,
            locationOf(part, a),
          ),
        );
      } else {
        byName.set(a.name, record);
      }
    }
    out.push({ offset: h.offset, terminated: h.terminated, attributes, byName });
  }
  return { headers: out, findings };
}
