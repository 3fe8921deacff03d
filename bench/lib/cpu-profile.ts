/**
 * A short text summary of a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, optionally
 * only over the samples taken inside a window of the monotonic clock (µs, the profile's own time base) — e.g. the
 * emulator's profile cut to the few seconds one read ran.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function profileSummary(path: string, title: string, window?: [number, number], top = 12): string {
  let profile: CpuProfile;
  try {
    profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  } catch (err) {
    return `  ${title}: no profile (${(err as Error).message})\n`;
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let total = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i]!;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    if (window && (t < window[0] || t > window[1])) return;
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.replace(/^.*\/(dist|out|node_modules)\//, "$1/");
    const key = `${frame.functionName || "(anonymous)"} ${file}${file ? `:${frame.lineNumber + 1}` : ""}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    if (frame.functionName !== "(idle)") total += delta;
  });
  const lines = [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => `    ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  return `  ${title}: ${(total / 1000).toFixed(0)} ms of samples (not idle)\n${lines.join("\n")}\n`;
}
