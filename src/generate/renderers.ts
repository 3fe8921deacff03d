import type { AttributeSpec, ChannelSpec } from "../core/write/index.js";

export const RENDERERS = ["arnold", "vray", "renderman", "karma", "redshift", "cycles"] as const;
export type Renderer = (typeof RENDERERS)[number];
export const PASS_KINDS = ["beauty", "utility", "cryptomatte", "deep"] as const;
export type PassKind = (typeof PASS_KINDS)[number];

/** Per-frame facts a renderer stamps into its headers. */
export interface FrameFacts {
  frame: number;
  renderSeconds: number;
  samples: number;
  host: string;
  camera: string;
}

interface RendererConvention {
  software: (f: FrameFacts) => string;
  attributes: (f: FrameFacts) => AttributeSpec[];
  /** Beauty AOV layers (RGB each) as this renderer names them. */
  aovs: string[];
  /** Utility passes: layer → components (float channels). An empty layer name means top-level channels. */
  utility: [string, string[]][];
  /** Cryptomatte layer base names. */
  crypto: string[];
  /** Separator between layer prefix and component (Cycles nests under a view layer). */
  layerPrefix: string;
}

const str = (name: string, value: string): AttributeSpec => ({ name, type: "string", value });
const int = (name: string, value: number): AttributeSpec => ({ name, type: "int", value });
const flt = (name: string, value: number): AttributeSpec => ({ name, type: "float", value });

export const CONVENTIONS: Record<Renderer, RendererConvention> = {
  arnold: {
    software: () => "Arnold 7.2.5.2 [5e2b9a8c] linux x86_64 clang-15.0.7 oiio-2.5.4 osl-1.13.0",
    attributes: (f) => [
      str("arnold/version", "7.2.5.2"),
      str("arnold/host/name", f.host),
      str("arnold/host/version", "2024.2"),
      int("arnold/AA_samples", f.samples),
      flt("arnold/stats/time/render", f.renderSeconds),
      flt("arnold/stats/memory/peak", 11234.5 + (f.frame % 97)),
      str("arnold/camera", f.camera),
    ],
    aovs: [
      "diffuse_direct",
      "diffuse_indirect",
      "specular_direct",
      "specular_indirect",
      "sss",
      "transmission",
      "emission",
      "coat",
    ],
    utility: [
      ["", ["Z"]],
      ["N", ["R", "G", "B"]],
      ["P", ["R", "G", "B"]],
      ["motionvector", ["R", "G", "B"]],
    ],
    crypto: ["crypto_object", "crypto_material", "crypto_asset"],
    layerPrefix: "",
  },
  vray: {
    software: () => "V-Ray 6.20.02 for Autodesk 3ds Max 2024",
    attributes: (f) => [
      str("vrayInfo/camera", f.camera),
      str("vrayInfo/renderTime", `${Math.floor(f.renderSeconds / 60)}m ${Math.round(f.renderSeconds % 60)}s`),
      int("vrayInfo/frame", f.frame),
      str("vrayInfo/computer", f.host),
      int("vrayInfo/maxSubdivs", f.samples),
    ],
    aovs: [
      "VRayDiffuseFilter",
      "VRayGlobalIllumination",
      "VRayLighting",
      "VRayReflection",
      "VRayRefraction",
      "VRaySpecular",
      "VRaySelfIllumination",
      "VRaySSS2",
    ],
    utility: [
      ["VRayZDepth", ["Z"]],
      ["VRayNormals", ["X", "Y", "Z"]],
      ["VRayVelocity", ["X", "Y", "Z"]],
      ["VRayWorldPosition", ["X", "Y", "Z"]],
    ],
    crypto: ["VRayCryptomatte_object", "VRayCryptomatte_material", "VRayCryptomatte_asset"],
    layerPrefix: "",
  },
  renderman: {
    software: () => "RenderMan 25.2 @2283221 (Pixar Animation Studios)",
    attributes: (f) => [
      str("rman/version", "25.2"),
      str("rman/integrator", "PxrPathTracer"),
      int("rman/maxSamples", f.samples * 64),
      flt("rman/renderTime", f.renderSeconds),
      str("rman/camera", f.camera),
    ],
    aovs: [
      "directDiffuse",
      "indirectDiffuse",
      "directSpecular",
      "indirectSpecular",
      "subsurface",
      "transmissive",
      "emissive",
      "albedo",
    ],
    utility: [
      ["", ["z"]],
      ["Nn", ["x", "y", "z"]],
      ["P", ["x", "y", "z"]],
      ["dPdtime", ["x", "y", "z"]],
    ],
    crypto: ["cryptoObject", "cryptoMaterial", "cryptoAsset"],
    layerPrefix: "",
  },
  karma: {
    software: () => "Houdini 20.0.653 Karma XPU",
    attributes: (f) => [
      str("karma:version", "20.0.653"),
      str("karma:engine", "xpu"),
      int("karma:pathtracedsamples", f.samples * 16),
      flt("karma:rendertime", f.renderSeconds),
      str("karma:camera", f.camera),
    ],
    aovs: [
      "direct_diffuse",
      "indirect_diffuse",
      "direct_specular",
      "indirect_specular",
      "direct_emission",
      "sss",
      "albedo",
      "coat",
    ],
    utility: [
      ["depth", ["Z"]],
      ["N", ["x", "y", "z"]],
      ["P", ["x", "y", "z"]],
      ["motionvector", ["x", "y", "z"]],
    ],
    crypto: ["CryptoObject", "CryptoMaterial", "CryptoPrimitive"],
    layerPrefix: "",
  },
  redshift: {
    software: () => "Redshift 3.5.22 (Maya 2024)",
    attributes: (f) => [
      str("redshift/version", "3.5.22"),
      flt("redshift/renderTime", f.renderSeconds),
      int("redshift/unifiedMaxSamples", f.samples * 32),
      str("redshift/camera", f.camera),
      str("redshift/host", f.host),
    ],
    aovs: [
      "DiffuseLighting",
      "DiffuseFilter",
      "SpecularLighting",
      "Reflections",
      "Refractions",
      "SSS",
      "Emission",
      "GI",
    ],
    utility: [
      ["Z", ["Z"]],
      ["Normals", ["R", "G", "B"]],
      ["P", ["R", "G", "B"]],
      ["MotionVectors", ["R", "G", "B"]],
    ],
    crypto: ["CryptoObject", "CryptoMaterial", "CryptoUser"],
    layerPrefix: "",
  },
  cycles: {
    software: () => "Blender 4.1.1 Cycles",
    attributes: (f) => [
      str("cycles/ViewLayer/samples", String(f.samples * 64)),
      str("cycles/ViewLayer/total_time", `${f.renderSeconds.toFixed(2)}`),
      str("BlenderMultiChannel", "Blender V4.1.1"),
      str("cycles/camera", f.camera),
    ],
    aovs: ["DiffDir", "DiffInd", "DiffCol", "GlossDir", "GlossInd", "TransDir", "Emit", "Env"],
    utility: [
      ["Depth", ["Z"]],
      ["Normal", ["X", "Y", "Z"]],
      ["Position", ["X", "Y", "Z"]],
      ["Vector", ["X", "Y", "Z", "W"]],
    ],
    crypto: ["CryptoObject", "CryptoMaterial", "CryptoAsset"],
    layerPrefix: "ViewLayer.",
  },
};

export function channelName(renderer: Renderer, layer: string, component: string): string {
  const prefix = CONVENTIONS[renderer].layerPrefix;
  return layer ? `${prefix}${layer}.${component}` : `${prefix}${component}`;
}

/** Beauty: RGBA (Cycles: ViewLayer.Combined) plus the chosen AOV layers. */
export function beautyChannels(renderer: Renderer, aovs: string[]): ChannelSpec[] {
  const main = renderer === "cycles" ? "Combined" : "";
  const out: ChannelSpec[] = ["R", "G", "B", "A"].map((c) => ({
    name: channelName(renderer, main, c),
    type: "half" as const,
  }));
  for (const aov of aovs) {
    for (const c of ["R", "G", "B"]) out.push({ name: channelName(renderer, aov, c), type: "half" });
  }
  return out;
}

export function utilityChannels(renderer: Renderer): ChannelSpec[] {
  return CONVENTIONS[renderer].utility.flatMap(([layer, comps]) =>
    comps.map((c) => ({ name: channelName(renderer, layer, c), type: "float" as const })),
  );
}

export function cryptoChannels(renderer: Renderer, layers: string[], ranks: number): ChannelSpec[] {
  const out: ChannelSpec[] = [];
  for (const base of layers) {
    for (let r = 0; r < ranks; r++) {
      const layer = `${base}${String(r).padStart(2, "0")}`;
      for (const c of ["R", "G", "B", "A"])
        out.push({ name: channelName(renderer, layer, c), type: "float" });
    }
  }
  return out;
}
