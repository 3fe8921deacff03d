// Injected into each bundle by tools/bundle.ts: a compiled module's own file URL, found from the bundle's place
// (`__dirname` is the bundle's directory, dist/bundle/; `fromDist` the module's path under dist/). In the bundle
// it stands for the module's `import.meta.url`.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export function __exrModuleUrl(fromDist: string): string {
  return pathToFileURL(join(__dirname, "..", fromDist)).href;
}
