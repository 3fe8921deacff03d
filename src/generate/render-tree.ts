import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { deflateSync } from "node:zlib";
import type { AttributeSpec, ChannelSpec, ChunkInfo, PartSpec } from "../core/write/index.js";
import { writeExr } from "../core/write/index.js";
import { zipEncode } from "../core/write/zip-predictor.js";
import { pick, seededRandom } from "./random.js";
import {
  beautyChannels,
  CONVENTIONS,
  cryptoChannels,
  type FrameFacts,
  PASS_KINDS,
  type PassKind,
  RENDERERS,
  type Renderer,
  utilityChannels,
} from "./renderers.js";

export interface GenerateOptions {
  root: string;
  sequences: number;
  frames: number;
  seed?: number;
  firstFrame?: number;
  /** Defects written into every sequence (frames counted per sequence; none by default). */
  defects?: DefectCounts;
  /** Called after each file written, with the number written so far (progress). */
  onFile?: (files: number) => void;
}

/** How many frames of each sequence get each defect (on distinct frames strictly inside the range). */
export interface DefectCounts {
  /** Frames not written at all. */
  gaps?: number;
  /** Frames also written a second time with one more digit of padding (`.01005.` next to `.1005.`). */
  duplicates?: number;
  /** Frames cut to a third of their bytes (a failed write: incomplete and far smaller than its neighbours). */
  incomplete?: number;
  /** Frames with one extra channel (same pixel type as the sequence's first channel). */
  odd?: number;
}

/** The frame numbers that received each defect. */
export interface SequenceDefects {
  missing: number[];
  duplicates: number[];
  incomplete: number[];
  odd: number[];
}

export interface GeneratedSequence {
  index: number;
  renderer: Renderer;
  pass: PassKind;
  width: number;
  height: number;
  compression: "none" | "zip" | "zips";
  colorSpace: "ACEScg" | "Rec.709";
  /** Directory of the sequence, relative to the root. */
  dir: string;
  /** File name pattern with `####` for the frame. */
  pattern: string;
  frames: number;
  /** Present when defects were requested. */
  defects?: SequenceDefects;
}

export interface GeneratedTree {
  root: string;
  sequences: GeneratedSequence[];
  files: number;
  bytes: number;
}

export const MANIFEST_FILE = "render-tree.json";

const FULL_RES: [number, number][] = [
  [1920, 1080],
  [2048, 858],
  [2048, 1152],
  [1280, 720],
  [1998, 1080],
];
/** Matte passes at half resolution (common for Cryptomatte renders, and it keeps trees small on disk). */
const HALF_RES: [number, number][] = [
  [960, 540],
  [1024, 429],
  [640, 360],
];
/** Deep and uncompressed passes are written at proxy sizes to keep the tree small on disk. */
const PROXY_RES: [number, number][] = [
  [128, 72],
  [160, 90],
  [192, 108],
];
const SHOWS = ["nebula", "harbor", "glasshouse", "tundra"];
const HOSTS = ["render-node-017", "render-node-203", "farm-a12", "farm-b07"];
const ACES_CG = [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767];
const REC709 = [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329];

function hex7(text: string): string {
  return createHash("sha1").update(text).digest("hex").slice(0, 7);
}

function cryptoAttributes(renderer: Renderer, layers: string[], objects: string[]): AttributeSpec[] {
  const out: AttributeSpec[] = [];
  for (const base of layers) {
    const id = hex7(base);
    const manifest: Record<string, string> = {};
    for (const name of objects)
      manifest[`${base}:${name}`] = createHash("md5").update(name).digest("hex").slice(0, 8);
    out.push({ name: `cryptomatte/${id}/name`, type: "string", value: base });
    out.push({ name: `cryptomatte/${id}/hash`, type: "string", value: "MurmurHash3_32" });
    out.push({ name: `cryptomatte/${id}/conversion`, type: "string", value: "uint32_to_float32" });
    out.push({ name: `cryptomatte/${id}/manifest`, type: "string", value: JSON.stringify(manifest) });
  }
  if (renderer === "vray") out.push({ name: "vrayInfo/cryptomatte", type: "int", value: 1 });
  return out;
}

/** Bytes of one uncompressed scanline chunk (all channels sampled 1×1). */
function rawChunkBytes(channels: ChannelSpec[], chunk: ChunkInfo): number {
  const perPixel = channels.reduce((n, c) => n + (c.type === "half" ? 2 : 4), 0);
  return perPixel * chunk.width * chunk.height;
}

/**
 * Pixel data of every flat chunk is black; its encoded bytes are computed once per (compression, size) and
 * reused, which keeps generating tens of thousands of full-resolution frames fast.
 */
const encodedBlack = new Map<string, Uint8Array>();

function chunkEncoder(compression: string, channels: ChannelSpec[]): (chunk: ChunkInfo) => Uint8Array {
  return (chunk) => {
    const size = rawChunkBytes(channels, chunk);
    const key = `${compression}:${size}`;
    let data = encodedBlack.get(key);
    if (!data) {
      const raw = new Uint8Array(size);
      data = compression === "none" ? raw : (zipEncode(raw, (b) => deflateSync(b)) ?? raw);
      encodedBlack.set(key, data);
    }
    return data;
  };
}

function planSequence(index: number, random: () => number, frames: number): GeneratedSequence {
  const renderer = RENDERERS[index % RENDERERS.length] as Renderer;
  const pass = PASS_KINDS[Math.floor(index / RENDERERS.length) % PASS_KINDS.length] as PassKind;
  const proxy = pass === "deep" || (pass !== "cryptomatte" && random() < 0.15);
  const [width, height] = pick(random, proxy ? PROXY_RES : pass === "cryptomatte" ? HALF_RES : FULL_RES);
  const compression =
    pass === "deep" ? "none" : proxy ? "none" : pick(random, ["zip", "zip", "zips"] as const);
  const show = SHOWS[index % SHOWS.length] as string;
  const shot = `sq${String(10 + Math.floor(index / 8) * 10).padStart(3, "0")}_sh${String((index % 8) * 10 + 10).padStart(4, "0")}`;
  const version = `v${String(1 + Math.floor(random() * 12)).padStart(3, "0")}`;
  const layer =
    pass === "beauty"
      ? "beauty"
      : pass === "utility"
        ? "utility"
        : pass === "cryptomatte"
          ? "crypto"
          : "deep";
  const dir = path.join(show, shot, "render", renderer, `${layer}_${version}`);
  return {
    index,
    renderer,
    pass,
    width,
    height,
    compression,
    colorSpace: random() < 0.7 ? "ACEScg" : "Rec.709",
    dir,
    pattern: `${shot}_${layer}_${version}.####.exr`,
    frames,
  };
}

function partFor(
  seq: GeneratedSequence,
  random: () => number,
  facts: FrameFacts,
  aovs: string[],
  objects: string[],
): PartSpec {
  const convention = CONVENTIONS[seq.renderer];
  const dataWindow = {
    min: [0, 0] as [number, number],
    max: [seq.width - 1, seq.height - 1] as [number, number],
  };
  const attributes: AttributeSpec[] = [
    { name: "software", type: "string", value: convention.software(facts) },
    { name: "owner", type: "string", value: "lighting" },
    {
      name: "capDate",
      type: "string",
      value: `2026:03:${String(1 + (facts.frame % 28)).padStart(2, "0")} 10:00:00`,
    },
    { name: "framesPerSecond", type: "rational", value: [24, 1] },
    { name: "chromaticities", type: "chromaticities", value: seq.colorSpace === "ACEScg" ? ACES_CG : REC709 },
    {
      name: "worldToCamera",
      type: "m44f",
      value: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, random(), random(), -10, 1],
    },
    ...convention.attributes(facts),
  ];
  let channels: ChannelSpec[];
  if (seq.pass === "beauty") channels = beautyChannels(seq.renderer, aovs);
  else if (seq.pass === "utility") channels = utilityChannels(seq.renderer);
  else if (seq.pass === "cryptomatte") {
    channels = cryptoChannels(seq.renderer, aovs, 3);
    attributes.push(...cryptoAttributes(seq.renderer, aovs, objects));
  } else {
    channels = [
      { name: "A", type: "half" },
      { name: "B", type: "half" },
      { name: "G", type: "half" },
      { name: "R", type: "half" },
      { name: "Z", type: "float" },
      { name: "ZBack", type: "float" },
    ];
  }
  if (seq.pass === "deep") {
    return {
      type: "deepscanline",
      name: "deep",
      dataWindow,
      channels,
      compression: "none",
      attributes,
      sampleCount: (x, y) => ((x * 7 + y * 3) % 11 === 0 ? 1 : 0),
      sample: (channel) => (channel === "Z" ? 10 : channel === "ZBack" ? 10.5 : 0.5),
    };
  }
  return {
    type: "scanlineimage",
    dataWindow,
    channels,
    compression: seq.compression,
    attributes,
    chunkData: chunkEncoder(seq.compression, channels),
  };
}

/** Distinct interior frames for each defect kind, drawn from a generator of their own (the tree stays the same). */
function planDefects(
  counts: DefectCounts,
  seed: number,
  index: number,
  firstFrame: number,
  frames: number,
): SequenceDefects {
  const wanted = [counts.gaps ?? 0, counts.duplicates ?? 0, counts.incomplete ?? 0, counts.odd ?? 0];
  const total = wanted.reduce((a, b) => a + b, 0);
  if (total > frames - 2)
    throw new RangeError(`${total} defective frames do not fit strictly inside ${frames} frames`);
  const random = seededRandom((seed * 7919 + index * 104729) ^ 0x5eed);
  const interior = Array.from({ length: frames - 2 }, (_, i) => firstFrame + 1 + i);
  for (let i = interior.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [interior[i], interior[j]] = [interior[j] as number, interior[i] as number];
  }
  const take = (n: number) => interior.splice(0, n).sort((a, b) => a - b);
  const [gaps, duplicates, incomplete, odd] = wanted as [number, number, number, number];
  return { missing: take(gaps), duplicates: take(duplicates), incomplete: take(incomplete), odd: take(odd) };
}

function withExtraChannel(part: PartSpec): PartSpec {
  const type = part.channels[0]?.type ?? "half";
  const channels = [...part.channels, { name: "debug", type }];
  if (part.type === "deepscanline") return { ...part, channels };
  return { ...part, channels, chunkData: chunkEncoder(String(part.compression), channels) };
}

/**
 * Writes a realistic render tree: `sequences` frame sequences of `frames` frames each, cycling through six
 * renderers' header conventions (Arnold, V-Ray, RenderMan, Karma, Redshift, Cycles) and four pass kinds
 * (beauty with AOVs, utility depth/normals/position/motion, Cryptomatte with manifests, deep), with varied
 * resolutions, compressions and colour spaces. Deterministic for a given seed. Writes MANIFEST_FILE at the root.
 */
export async function generateRenderTree(options: GenerateOptions): Promise<GeneratedTree> {
  const random = seededRandom(options.seed ?? 1);
  const firstFrame = options.firstFrame ?? 1001;
  const sequences: GeneratedSequence[] = [];
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < options.sequences; i++) {
    const seq = planSequence(i, random, options.frames);
    sequences.push(seq);
    const convention = CONVENTIONS[seq.renderer];
    const pool = seq.pass === "cryptomatte" ? convention.crypto : convention.aovs;
    const keep = seq.pass === "cryptomatte" ? pool : pool.filter(() => random() > 0.2);
    const objects = Array.from({ length: 20 + Math.floor(random() * 80) }, (_, k) => `/scene/asset_${k}/geo`);
    const camera = `/cameras/${path.basename(seq.dir)}_cam`;
    const host = pick(random, HOSTS);
    const dir = path.join(options.root, seq.dir);
    await mkdir(dir, { recursive: true });
    const defects = options.defects
      ? planDefects(options.defects, options.seed ?? 1, i, firstFrame, options.frames)
      : undefined;
    if (defects) seq.defects = defects;
    for (let f = 0; f < options.frames; f++) {
      const frame = firstFrame + f;
      const facts: FrameFacts = {
        frame,
        renderSeconds: Math.round((300 + random() * 900) * 100) / 100,
        samples: 3 + Math.floor(random() * 4),
        host,
        camera,
      };
      const part = partFor(seq, random, facts, keep, objects);
      if (defects?.missing.includes(frame)) continue;
      const written = writeExr({ parts: [defects?.odd.includes(frame) ? withExtraChannel(part) : part] });
      const bytesOut = defects?.incomplete.includes(frame)
        ? written.subarray(0, Math.floor(written.length / 3))
        : written;
      const names = [String(frame).padStart(4, "0")];
      if (defects?.duplicates.includes(frame)) names.push(String(frame).padStart(5, "0"));
      for (const digits of names) {
        await writeFile(path.join(dir, seq.pattern.replace("####", digits)), bytesOut);
        files++;
        bytes += bytesOut.length;
        options.onFile?.(files);
      }
    }
  }
  const tree = { root: options.root, sequences, files, bytes };
  await writeFile(path.join(options.root, MANIFEST_FILE), `${JSON.stringify(tree, null, 2)}\n`);
  return tree;
}
