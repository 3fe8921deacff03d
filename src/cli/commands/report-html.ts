import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CatalogStore } from "../../catalog/port.js";
import { collectReport } from "../../report/collect.js";
import { renderReportHtml } from "../../report/render-html.js";

export interface HtmlReportOptions {
  html?: string;
  open?: boolean;
}

/** The command that shows a file in the user's browser: `$BROWSER` if set, else the platform's opener. */
function openerFor(file: string): [string, string[]] {
  const browser = process.env.BROWSER;
  if (browser) return [browser, [file]];
  if (process.platform === "darwin") return ["open", [file]];
  if (process.platform === "win32") return ["cmd", ["/c", "start", "", file]];
  return ["xdg-open", [file]];
}

function openInBrowser(file: string): Promise<void> {
  const [command, args] = openerFor(file);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: "ignore" });
    child.once("error", (err) => reject(new Error(`could not open ${file} with ${command}: ${err.message}`)));
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}

/** `report --html FILE` / `report --open`: writes the self-contained HTML report, then opens it if asked. */
export async function writeHtmlReport(
  store: CatalogStore,
  options: HtmlReportOptions,
  title: string,
): Promise<void> {
  const file = path.resolve(options.html ?? path.join(tmpdir(), `exr-report-${Date.now()}.html`));
  const html = renderReportHtml(await collectReport(store, { title }));
  await writeFile(file, html);
  process.stdout.write(`wrote ${file} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)\n`);
  if (options.open) await openInBrowser(file);
}
