import { stat } from "node:fs/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { buildRecord } from "../../catalog/build-record.js";
import { normalizePath } from "../../catalog/normalize-path.js";
import type { SimilarHit } from "../../catalog/port.js";
import { inspectFile } from "../../inspect/inspect.js";
import { FILE_READ_TIMEOUT_MS, withTimeout } from "../../io/file-source.js";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { UsageError } from "../exit-codes.js";
import { formatResult } from "../query-output.js";

const FILE_ID = /^[0-9a-f]{64}$/;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

export function registerSimilar(program: Command): void {
  addCatalogOptions(
    program
      .command("similar")
      .description("nearest catalogued files by metadata embedding (cosine distance)")
      .argument("<target>", "a file path (catalogued or not) or a 64-hex file_id")
      .option("-k <n>", "number of neighbours", positiveInt, 10)
      .addOption(
        new Option("--format <format>", "output format").choices(["table", "json"]).default("table"),
      ),
  ).action(async (target: string, options: CatalogCliOptions & { k: number; format: "table" | "json" }) => {
    await withCatalog(options, { readOnly: true }, async (store) => {
      let hits: SimilarHit[];
      if (FILE_ID.test(target)) {
        if (!(await store.getRecord(target))) {
          throw new UsageError(
            `no file with id ${target} in the catalog (give a path, or an id from sql/report)`,
          );
        }
        hits = await store.similar({ file_id: target }, options.k);
      } else {
        const known = (await store.knownState([normalizePath(target)])).get(normalizePath(target));
        if (known) {
          hits = await store.similar({ file_id: known.file_id }, options.k);
        } else {
          const found = await withTimeout(stat(target), FILE_READ_TIMEOUT_MS, `stat ${target}`).then(
            () => true,
            (err: NodeJS.ErrnoException) => err.code !== "ENOENT",
          );
          if (!found) {
            throw new UsageError(
              `${target}: no such file, and not a 64-hex file_id (give a path, or an id from sql/report)`,
            );
          }
          const embedding = buildRecord(await inspectFile(target, { io: "async" })).file.metadata_embedding;
          if (!embedding) {
            throw new UsageError(`${target}: no EXR header could be read, so it has no embedding`);
          }
          hits = await store.similar({ embedding }, options.k);
        }
      }
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(hits, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        formatResult(
          {
            columns: ["rank", "distance", "path"],
            rows: hits.map((h, i) => [i + 1, h.distance.toFixed(4), h.file_path]),
          },
          "table",
          200,
        ),
      );
    });
  });
}
