/** The `--notify*` flags of `vast-emulator` and the notifier settings they make. */
import { type Command, Option } from "commander";
import { fraction, nonNegative } from "../option-parsers.js";
import type { NotifyOptions } from "./notifier.js";
import { openSink } from "./open-sink.js";

export interface NotifyCliOptions {
  notify?: string;
  notifySuffix?: string;
  notifyPrefix?: string;
  notifyDuplicate: number;
  notifyLate: number;
  notifyDelayMs: number;
}

export function addNotifyOptions(program: Command): Command {
  return program
    .option(
      "--notify <url>",
      "after each completed PutObject/CopyObject/CompleteMultipartUpload, send a VAST Element CloudEvent to this URL (http, https; kafka://HOST:PORT/TOPIC produces to a Kafka topic), retried until taken",
    )
    .option("--notify-suffix <suffix>", "only keys ending with this (e.g. .exr)")
    .option("--notify-prefix <prefix>", "only keys starting with this")
    .addOption(
      new Option("--notify-duplicate <fraction>", "fraction of events delivered twice")
        .argParser(fraction)
        .default(0),
    )
    .addOption(
      new Option(
        "--notify-late <fraction>",
        "fraction of events held back up to --notify-delay-ms (reordered)",
      )
        .argParser(fraction)
        .default(0),
    )
    .addOption(
      new Option("--notify-delay-ms <ms>", "longest hold of a late event or a duplicate")
        .argParser(nonNegative)
        .default(1000),
    );
}

/** Null without `--notify`; throws on an unusable URL. */
export function notifyOptionsFrom(o: NotifyCliOptions): NotifyOptions | null {
  if (!o.notify) return null;
  return {
    sink: openSink(o.notify),
    ...(o.notifySuffix ? { suffix: o.notifySuffix } : {}),
    ...(o.notifyPrefix ? { prefix: o.notifyPrefix } : {}),
    duplicate: o.notifyDuplicate,
    late: o.notifyLate,
    delayMs: o.notifyDelayMs,
  };
}
