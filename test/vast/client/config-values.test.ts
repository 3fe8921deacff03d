/** Every value of a resolved VAST config: defaults, the data endpoints variable, empty settings, the redacted forms. */
import { describe, expect, it } from "vitest";
import { resolveVastConfig, VastConfig } from "../../../src/vast/client/config.js";
import { VastError } from "../../../src/vast/client/errors.js";
import { DEFAULT_RETRY } from "../../../src/vast/client/retry-policy.js";

const ENV = {
  VAST_DB_ENDPOINT: "host:9090",
  VAST_DB_ACCESS_KEY: "AK",
  VAST_DB_SECRET_KEY: "SK",
  VAST_DB_BUCKET: "bkt",
};

function failure(f: () => unknown): VastError {
  try {
    f();
  } catch (e) {
    return e as VastError;
  }
  throw new Error("did not throw");
}

describe("VAST config values", () => {
  it("defaults: schema, no data endpoints, empty region (as the SDK signs), 120 s timeout, the default retries", () => {
    const c = resolveVastConfig({}, ENV);
    expect([c.schema, c.dataEndpoints, c.region, c.timeoutMs, c.accessKey]).toEqual([
      "exr_metadata",
      [],
      "",
      120_000,
      "AK",
    ]);
    expect(c.retry).toEqual(DEFAULT_RETRY);
    const direct = new VastConfig({ endpoint: "h", accessKey: "a", secretKey: "s", bucket: "b" });
    expect([direct.schema, direct.region, direct.timeoutMs, direct.dataEndpoints]).toEqual([
      "exr_metadata",
      "",
      120_000,
      [],
    ]);
    expect(direct.retry).toEqual(DEFAULT_RETRY);
  });

  it("flags for region, timeout and part of the retry policy", () => {
    const c = resolveVastConfig({ region: "us-east-1", timeoutMs: 5, retry: { maxAttempts: 2 } }, ENV);
    expect([c.region, c.timeoutMs]).toEqual(["us-east-1", 5]);
    expect(c.retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 2 });
  });

  it("VAST_DB_DATA_ENDPOINTS: comma separated, trimmed, empty items dropped; flags win", () => {
    const c = resolveVastConfig({}, { ...ENV, VAST_DB_DATA_ENDPOINTS: " a:1 ,, https://b:2 ," });
    expect(c.dataEndpoints.map((u) => u.href)).toEqual(["http://a:1/", "https://b:2/"]);
    expect(c.queryEndpoints).toBe(c.dataEndpoints);
    const flagged = resolveVastConfig({ dataEndpoints: [] }, { ...ENV, VAST_DB_DATA_ENDPOINTS: "a:1" });
    expect(flagged.dataEndpoints).toEqual([]);
    expect(flagged.queryEndpoints).toEqual([flagged.endpoint]);
  });

  it("an empty variable or flag counts as missing; a flag wins over the variable", () => {
    const err = failure(() => resolveVastConfig({}, { ...ENV, VAST_DB_BUCKET: "", VAST_DB_ACCESS_KEY: "" }));
    expect(err.code).toBe("VAST_CONFIG_MISSING");
    expect(err.message).toBe("VAST backend needs VAST_DB_ACCESS_KEY, VAST_DB_BUCKET (--vast-bucket)");
    expect(failure(() => resolveVastConfig({ endpoint: "" }, ENV)).message).toBe(
      "VAST backend needs VAST_DB_ENDPOINT (--vast-endpoint)",
    );
    expect(failure(() => resolveVastConfig({}, { ...ENV, VAST_DB_SECRET_KEY: "" })).message).toBe(
      "VAST backend needs VAST_DB_SECRET_KEY",
    );
    const c = resolveVastConfig({ accessKey: "flagAK", secretKey: "flagSK", bucket: "fb" }, ENV);
    expect([c.accessKey, c.secretKey, c.bucket]).toEqual(["flagAK", "flagSK", "fb"]);
    expect(resolveVastConfig({ schema: "" }, { ...ENV, VAST_DB_SCHEMA: "" }).schema).toBe("exr_metadata");
  });

  it("endpoints: a scheme kept, a bare host made http, anything else refused with its code", () => {
    expect(resolveVastConfig({ endpoint: "HTTPS://h:1" }, ENV).endpoint.href).toBe("https://h:1/");
    expect(resolveVastConfig({ endpoint: "h" }, ENV).endpoint.href).toBe("http://h/");
    for (const [endpoint, message] of [
      ["http://", "VAST endpoint is not a valid URL"],
      ["ftp://h", "VAST endpoint must be http or https, not ftp:"],
      ["http://u@h", "VAST endpoint must not embed credentials; use the key variables"],
      ["http://:p@h", "VAST endpoint must not embed credentials; use the key variables"],
    ] as const) {
      const e = failure(() => resolveVastConfig({ endpoint }, ENV));
      expect(e).toBeInstanceOf(VastError);
      expect([e.code, e.message], endpoint).toEqual(["VAST_CONFIG_INVALID", message]);
    }
    expect(failure(() => resolveVastConfig({ dataEndpoints: ["ftp://d"] }, ENV)).code).toBe(
      "VAST_CONFIG_INVALID",
    );
  });

  it("the JSON and text forms: origins and names only, keys redacted", () => {
    const c = resolveVastConfig({ region: "r", dataEndpoints: ["d:1/path"] }, ENV);
    const json = {
      endpoint: "http://host:9090",
      bucket: "bkt",
      schema: "exr_metadata",
      dataEndpoints: ["http://d:1"],
      region: "r",
      accessKey: "[redacted]",
      secretKey: "[redacted]",
    };
    expect(c.toJSON()).toEqual(json);
    expect(c.toString()).toBe(`VastConfig(${JSON.stringify(json)})`);
  });
});
