/**
 * Prints, after every run, which tests were skipped and why: skips are environment-dependent (corpus, Python
 * venv, running as root), and a green run that silently skipped half of them would mislead.
 */
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { skipReason } from "../skip-reasons.js";

export default class SkipSummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const byFile = new Map<string, number>();
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        if (test.result().state !== "skipped") continue;
        const file = relative(process.cwd(), module.moduleId);
        byFile.set(file, (byFile.get(file) ?? 0) + 1);
      }
    }
    const total = [...byFile.values()].reduce((a, b) => a + b, 0);
    if (total === 0) {
      process.stdout.write("\nskipped: none\n");
      return;
    }
    const lines = [...byFile].map(([file, n]) => `  ${file}: ${n} skipped (${skipReason(file)})`);
    process.stdout.write(`\nskipped: ${total} test${total === 1 ? "" : "s"}\n${lines.join("\n")}\n`);
  }
}
