// `exr-inspector/vast`: the TypeScript client of VAST DataBase's tabular API.
export { type RetryPolicy, resolveVastConfig, VastConfig, type VastConfigInput } from "./config.js";
export * from "./errors.js";
export * from "./predicate.js";
export { type SelectOptions, select } from "./select.js";
export { type SessionOptions, VastSession } from "./session.js";
export { type TableRef, Transaction } from "./transaction.js";
