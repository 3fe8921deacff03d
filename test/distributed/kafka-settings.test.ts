import { describe, expect, it } from "vitest";
import { parseBrokers } from "../../src/distributed/kafka-connection.js";
import { openSink } from "../../src/vast/emulator/notify/open-sink.js";

describe("broker lists", () => {
  it("accept host:port lists (optionally kafka://) and refuse anything else", () => {
    expect(parseBrokers("a:9092, kafka://b.example:19092,")).toEqual(["a:9092", "b.example:19092"]);
    expect(() => parseBrokers("")).toThrow(/no broker/);
    expect(() => parseBrokers("a")).toThrow(/"a" is not host:port/);
    expect(() => parseBrokers("a:b")).toThrow(/not host:port/);
  });
});

describe("vast-emulator --notify kafka://", () => {
  it("opens a Kafka sink for kafka://HOST:PORT/TOPIC and refuses malformed targets", async () => {
    const sink = openSink("kafka://127.0.0.1:9092/object-events?partitions=3");
    expect(sink.target).toBe("kafka://127.0.0.1:9092/object-events?partitions=3");
    await sink.close(); // never connected: nothing to close
    expect(() => openSink("kafka://127.0.0.1:9092/")).toThrow(/expected kafka:\/\/HOST:PORT\/TOPIC/);
    expect(() => openSink("kafka://127.0.0.1:9092/a/b")).toThrow(/expected kafka:\/\/HOST:PORT\/TOPIC/);
    expect(() => openSink("kafka://127.0.0.1:9092/t?partitions=0")).toThrow(
      /partitions must be a positive integer/,
    );
    expect(() => openSink("kafka://nohost/t")).toThrow(/not host:port/);
  });
});
