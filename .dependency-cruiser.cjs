/** Layering rules of src/ (run by `npm run lint:deps`, part of `npm test`). */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Import cycles make load order matter and hide which module owns what.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "core-has-no-node-imports",
      severity: "error",
      comment: "src/core is pure (bytes in, typed values out) and bundles for browsers.",
      from: { path: "^src/core/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "core-imports-only-core",
      severity: "error",
      comment: "src/core has no dependencies and nothing outside itself.",
      from: { path: "^src/core/" },
      to: { pathNot: "^src/core/" },
    },
    {
      name: "io-and-inspect-stay-below-the-catalog",
      severity: "error",
      comment: "Byte sources and the inspection driver know nothing of catalogs, scans, workers or the CLI.",
      from: { path: "^src/(io|inspect)/" },
      to: { path: "^src/(catalog|scan|parallel|cli|vast|generate)/" },
    },
    {
      name: "no-adapter-imports-another-adapter",
      severity: "error",
      comment: "A catalog adapter only translates the port to its store; shared rules live in src/catalog/.",
      from: { path: "^src/catalog/(duckdb|vast)/" },
      to: { path: "^src/catalog/(duckdb|vast)/", pathNot: "^src/catalog/$1/" },
    },
    {
      name: "only-the-registry-imports-adapters",
      severity: "error",
      comment:
        "Backends are chosen in src/catalog/open.ts only; everything else talks to the port. The doctor's VAST check " +
        "(a scratch-table round trip in the adapter's own row format) is the one diagnostic allowed inside an adapter.",
      from: {
        path: "^src/",
        pathNot: ["^src/catalog/open\\.ts$", "^src/catalog/(duckdb|vast)/", "^src/doctor/vast-checks\\.ts$"],
      },
      to: { path: "^src/catalog/(duckdb|vast)/" },
    },
    {
      name: "nothing-imports-the-cli",
      severity: "error",
      comment: "The CLI is a thin shell on top; nothing below may depend on it.",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "the-emulator-is-not-part-of-the-product",
      severity: "error",
      comment: "The VAST emulator is a development server; the client and the catalog must not use it.",
      from: { path: "^src/", pathNot: "^src/vast/emulator/" },
      to: { path: "^src/vast/emulator/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.build.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
