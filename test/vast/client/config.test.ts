import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { resolveVastConfig } from "../../../src/vast/client/config.js";
import { VastError } from "../../../src/vast/client/errors.js";

const ENV = {
  VAST_DB_ENDPOINT: "s3.cluster.example:8080",
  VAST_DB_ACCESS_KEY: "AKIAEXAMPLEKEY",
  VAST_DB_SECRET_KEY: "s3cr3t-Value-Xq9",
  VAST_DB_BUCKET: "renders",
};

describe("VAST configuration", () => {
  it("reads the seed's variables, defaults the schema, assumes http for a bare host", () => {
    const c = resolveVastConfig({}, ENV);
    expect(c.endpoint.href).toBe("http://s3.cluster.example:8080/");
    expect(c.bucket).toBe("renders");
    expect(c.schema).toBe("exr_metadata");
    expect(c.secretKey).toBe(ENV.VAST_DB_SECRET_KEY);
    expect(c.queryEndpoints.map((u) => u.origin)).toEqual(["http://s3.cluster.example:8080"]);
  });

  it("lets flags override the environment", () => {
    const c = resolveVastConfig(
      { endpoint: "https://vip:443", bucket: "b2", schema: "cat", dataEndpoints: ["http://a", "http://b"] },
      { ...ENV, VAST_DB_SCHEMA: "env_schema" },
    );
    expect(c.endpoint.origin).toBe("https://vip");
    expect(c.bucket).toBe("b2");
    expect(c.schema).toBe("cat");
    expect(c.queryEndpoints.map((u) => u.origin)).toEqual(["http://a", "http://b"]);
    expect(resolveVastConfig({}, { ...ENV, VAST_DB_SCHEMA: "env_schema" }).schema).toBe("env_schema");
  });

  it("names missing settings without echoing values", () => {
    const err = (() => {
      try {
        resolveVastConfig({}, { VAST_DB_SECRET_KEY: ENV.VAST_DB_SECRET_KEY });
      } catch (e) {
        return e as VastError;
      }
    })();
    expect(err).toBeInstanceOf(VastError);
    expect(err?.code).toBe("VAST_CONFIG_MISSING");
    expect(err?.message).toMatch(/VAST_DB_ENDPOINT.*VAST_DB_ACCESS_KEY.*VAST_DB_BUCKET/);
    expect(err?.message).not.toContain("s3cr3t");
  });

  it("never shows the keys in any string form", () => {
    const c = resolveVastConfig({}, ENV);
    for (const text of [JSON.stringify(c), String(c), inspect(c), inspect({ nested: c }), `${c}`]) {
      expect(text).not.toContain(ENV.VAST_DB_SECRET_KEY);
      expect(text).not.toContain(ENV.VAST_DB_ACCESS_KEY);
    }
  });

  it("rejects credentials embedded in the endpoint and non-http schemes", () => {
    expect(() => resolveVastConfig({ endpoint: "http://user:pw@host" }, ENV)).toThrow(/must not embed/);
    expect(() => resolveVastConfig({ endpoint: "ftp://host" }, ENV)).toThrow(/http or https/);
  });
});
