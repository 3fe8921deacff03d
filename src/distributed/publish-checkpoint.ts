/**
 * Where an interrupted `publish` resumes: how many listed objects were acknowledged by the broker, in listing
 * order (S3 lists keys in order; directories are walked in sorted order), and the last one's path as a check.
 * Rewritten atomically after every acknowledged send. A listing that changed below the checkpoint is detected by
 * the path check and published again from there: at-least-once, and the catalog's upsert makes repeats harmless.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";

export interface Checkpoint {
  /** The inputs and topic this checkpoint is for (another publish does not resume from it). */
  inputs: string[];
  topic: string;
  published: number;
  lastPath: string | null;
  updated: string;
}

export function readCheckpoint(file: string, inputs: string[], topic: string): Checkpoint | null {
  let parsed: Checkpoint;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as Checkpoint;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`checkpoint ${file} is unreadable: ${(err as Error).message}`);
  }
  const same =
    parsed.topic === topic &&
    Array.isArray(parsed.inputs) &&
    parsed.inputs.length === inputs.length &&
    parsed.inputs.every((v, i) => v === inputs[i]);
  if (!same)
    throw new Error(
      `checkpoint ${file} belongs to another publish (topic ${parsed.topic}, inputs ${parsed.inputs})`,
    );
  return parsed;
}

export function writeCheckpoint(file: string, checkpoint: Omit<Checkpoint, "updated">): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...checkpoint, updated: new Date().toISOString() })}\n`);
  renameSync(tmp, file);
}
