// `exr-inspector/core`: the pure format core (bytes in, typed values out). No I/O and no `node:` imports,
// so it bundles for browsers; `sha256` and `inflate` are injected through the plan options.
export {
  type InspectBytesOptions,
  inspectBytes,
  inspectionPlan,
  type PlanOptions,
} from "./inspection-plan.js";
export * from "./model.js";
export { applyResultRules, type ResultRule } from "./validation/result-rules.js";
