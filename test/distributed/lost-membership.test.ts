import { KafkaJSNonRetriableError, KafkaJSProtocolError } from "kafkajs";
import { describe, expect, it } from "vitest";
import { lostMembership } from "../../src/distributed/consume-worker.js";

const protocol = (type: string) =>
  new KafkaJSProtocolError({ type, code: 25, retriable: false, message: `${type} from the broker` } as never);

describe("lostMembership: which consumer crashes mean 'rejoin' rather than 'exit'", () => {
  it("recognises the coordinator's membership refusals, bare or wrapped by kafkajs' retrier", () => {
    for (const type of [
      "UNKNOWN_MEMBER_ID",
      "ILLEGAL_GENERATION",
      "REBALANCE_IN_PROGRESS",
      "FENCED_INSTANCE_ID",
    ]) {
      expect(lostMembership(protocol(type))).toBe(true);
      const wrapped = Object.assign(new KafkaJSNonRetriableError(protocol(type)), { cause: protocol(type) });
      expect(lostMembership(wrapped)).toBe(true);
      expect(lostMembership({ cause: { cause: { cause: { type } } } })).toBe(true);
    }
  });

  it("treats every other failure as a crash", () => {
    expect(lostMembership(protocol("TOPIC_AUTHORIZATION_FAILED"))).toBe(false);
    expect(lostMembership(new KafkaJSNonRetriableError(new Error("Connection error")))).toBe(false);
    expect(lostMembership(new Error("UNKNOWN_MEMBER_ID"))).toBe(false);
    expect(lostMembership(null)).toBe(false);
    expect(lostMembership("UNKNOWN_MEMBER_ID")).toBe(false);
    // Causes are followed a bounded number of levels.
    expect(
      lostMembership({ cause: { cause: { cause: { cause: { cause: { type: "UNKNOWN_MEMBER_ID" } } } } } }),
    ).toBe(false);
  });
});
