// `exr-inspector/vast`: the TypeScript client of VAST DataBase's tabular API.
export { resolveVastConfig, VastConfig, type VastConfigInput } from "./config.js";
export * from "./errors.js";
export { ImportFilesError, importFiles, type ObjectRef } from "./import-files.js";
export * from "./predicate.js";
export {
  type CallKind,
  DEFAULT_RETRY,
  type FailureKind,
  RetryBudget,
  type RetryPolicy,
  replayOf,
  SDK_RETRY,
  withRetries,
} from "./retry-policy.js";
export { type SelectOptions, select } from "./select.js";
export { type SessionOptions, VastSession } from "./session.js";
export { type TableRef, Transaction } from "./transaction.js";
