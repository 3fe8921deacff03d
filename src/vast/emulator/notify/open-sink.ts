/** The sink for a `--notify` URL, chosen by its scheme (add a scheme here when adding a sink file). */
import { HttpSink } from "./http-sink.js";
import { KafkaSink } from "./kafka-sink.js";
import type { EventSink } from "./sink.js";

export function openSink(url: string): EventSink {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--notify ${url} is not a URL`);
  }
  switch (parsed.protocol) {
    case "http:":
    case "https:":
      return new HttpSink(url);
    case "kafka:":
      return new KafkaSink(parsed);
    default:
      throw new Error(`--notify ${url}: unsupported scheme ${parsed.protocol} (http, https, kafka)`);
  }
}
