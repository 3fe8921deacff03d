/**
 * What inspecting the object an event names gives, in terms a broker acts on: `gone`/`unreadable` never succeed
 * on redelivery (4xx), `unavailable` may (5xx), `superseded` is not a failure (a newer write replaced the object;
 * its own event catalogues it).
 */
import type { InspectionResult } from "../core/model.js";
import type { ObjectRef } from "./event-target.js";

export type InspectFailure = { kind: "gone" | "unreadable" | "unavailable" | "superseded"; message: string };
export type InspectOutcome = { ok: true; result: InspectionResult } | ({ ok: false } & InspectFailure);

export type S3Ref = Extract<ObjectRef, { kind: "s3" }>;

export interface S3Inspector {
  inspect(ref: S3Ref): Promise<InspectOutcome>;
  /** Throws when the object store cannot be reached or refuses the credentials (readiness). */
  probe(): Promise<void>;
  close(): void;
}
