import type { AttributeRecord, ChannelRecord, InspectionResult, PartRecord } from "../../src/core/model.js";

/** Synthetic InspectionResults for catalog tests (backend-independent, no EXR parsing involved). */
export interface FixtureOptions {
  path: string;
  headerHash?: string | null;
  sizeBytes?: number;
  mtime?: string | null;
  renderer?: "arnold" | "vray" | "karma";
  pass?: "beauty" | "cryptomatte" | "depth";
  width?: number;
  height?: number;
  compression?: string;
  parts?: number;
  errorCodes?: string[];
}

function attr(name: string, type: string, value: AttributeRecord["value"], offset: number): AttributeRecord {
  return { name, type, size: 4, offset, value };
}

function channelsFor(pass: NonNullable<FixtureOptions["pass"]>, partIndex: number): ChannelRecord[] {
  const names =
    pass === "beauty"
      ? ["R", "G", "B", "A", "diffuse.R", "diffuse.G", "diffuse.B", "specular.R", "specular.G", "specular.B"]
      : pass === "cryptomatte"
        ? ["crypto_object00.R", "crypto_object00.G", "crypto_object00.B", "crypto_object00.A"]
        : ["Z"];
  return names.map((name) => {
    const dot = name.lastIndexOf(".");
    return {
      part_index: partIndex,
      name,
      layer_name: dot < 0 ? null : name.slice(0, dot),
      component_name: dot < 0 ? name : name.slice(dot + 1),
      type: pass === "beauty" ? "half" : "float",
      x_sampling: 1,
      y_sampling: 1,
      p_linear: false,
    };
  });
}

export function fixture(o: FixtureOptions): InspectionResult {
  const width = o.width ?? 1920;
  const height = o.height ?? 1080;
  const pass = o.pass ?? "beauty";
  const renderer = o.renderer ?? "arnold";
  const partCount = o.parts ?? 1;
  const parts: PartRecord[] = [];
  const channels: ChannelRecord[] = [];
  for (let p = 0; p < partCount; p++) {
    const attributes: AttributeRecord[] = [
      attr("channels", "chlist", [], 8),
      attr("compression", "compression", o.compression ?? "zip", 40),
      attr("dataWindow", "box2i", { min: [0, 0], max: [width - 1, height - 1] }, 60),
      attr("pixelAspectRatio", "float", 1, 90),
      attr("screenWindowWidth", "float", "NaN", 110),
      attr(
        "software",
        "string",
        renderer === "arnold" ? "Arnold 7.2.1" : renderer === "vray" ? "V-Ray 6" : "Houdini Karma",
        130,
      ),
      attr(`${renderer}/version`, "string", "1.0", 160),
      attr(
        "chromaticities",
        "chromaticities",
        [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767],
        200,
      ),
    ];
    if (pass === "cryptomatte") {
      attributes.push(attr("cryptomatte/a1b2c3d/name", "string", "crypto_object", 240));
      attributes.push(attr("cryptomatte/a1b2c3d/manifest", "string", '{"obj":"3f800000"}', 280));
    }
    // Cast: the model may grow fields (e.g. `views`) that these fixtures do not need.
    parts.push({
      views: null,
      part_index: p,
      type: "scanlineimage",
      part_name: partCount > 1 ? `part${p}` : null,
      view_name: null,
      data_window: { min: [0, 0], max: [width - 1, height - 1] },
      display_window: { min: [0, 0], max: [width - 1, height - 1] },
      width,
      height,
      display_width: width,
      display_height: height,
      pixel_aspect_ratio: 1,
      line_order: "INCREASING_Y",
      compression: o.compression ?? "zip",
      is_tiled: false,
      is_deep: false,
      tiling: null,
      chunk_count_stored: null,
      chunk_count: Math.ceil(height / 16),
      header_offset: 8,
      offset_table_offset: 400,
      data_offset_min: 400 + 8 * Math.ceil(height / 16),
      data_offset_max: 100_000,
      chunks_present: Math.ceil(height / 16),
      attributes,
    } as PartRecord);
    channels.push(...channelsFor(pass, p));
  }
  const errorCodes = o.errorCodes ?? [];
  const broken = errorCodes.length > 0;
  return {
    schema_version: "1.0.0",
    file: {
      path: o.path,
      size_bytes: o.sizeBytes ?? 123_456,
      mtime: o.mtime === undefined ? "2026-01-02T03:04:05.678Z" : o.mtime,
      header_hash: o.headerHash === undefined ? "ab".repeat(32) : o.headerHash,
      header_bytes: broken ? null : 400,
      bytes_read: 65_536,
      version: 2,
      flags: { raw: 0, tiled: false, long_names: false, non_image: false, multipart: partCount > 1 },
      multipart_count: partCount,
      is_deep: false,
      is_complete: !broken,
      frame_number: 1001,
    },
    parts: broken ? [] : parts,
    channels: broken ? [] : channels,
    validation: {
      status: broken ? "error" : "ok",
      findings: errorCodes.map((code) => ({
        code,
        severity: "error" as const,
        message: `synthetic ${code}`,
        byte_offset: 8,
      })),
    },
  };
}
