import { describe, expect, it } from "vitest";
import {
  decodeListSchemasResponse,
  decodeListTablesResponse,
  encodeListSchemasResponse,
  encodeListTablesResponse,
  objectDetails,
} from "../../../src/vast/protocol/object-list.js";
import {
  decodePropertiesRequest,
  encodePropertiesRequest,
} from "../../../src/vast/protocol/properties-request.js";
import { decodeS3Error, encodeS3Error } from "../../../src/vast/protocol/s3-error.js";
import { decodeTableStats, encodeTableStats, tableStats } from "../../../src/vast/protocol/table-stats.js";

describe("listing responses", () => {
  it("round-trips ListSchemasResponse", () => {
    const msg = {
      bucketName: "vastdb",
      schemas: [objectDetails({ name: "s1", properties: "p" }), objectDetails({ name: "ünï/☃" })],
    };
    expect(decodeListSchemasResponse(encodeListSchemasResponse(msg))).toEqual(msg);
  });

  it("round-trips ListTablesResponse with stats, including uint64 values above 2^63", () => {
    const msg = {
      bucketName: "b",
      schemaName: "a/b",
      tables: [
        objectDetails({
          name: "t",
          handle: "42",
          numRows: 2n ** 64n - 1n,
          sizeInBytes: 123n,
          sortingScore: -5n,
        }),
        objectDetails({ name: "u", handle: "7", sortingKeyEnabled: true }),
      ],
    };
    expect(decodeListTablesResponse(encodeListTablesResponse(msg))).toEqual(msg);
  });

  it("decodes an empty listing", () => {
    expect(
      decodeListTablesResponse(encodeListTablesResponse({ bucketName: "b", schemaName: "s", tables: [] })),
    ).toEqual({
      bucketName: "b",
      schemaName: "s",
      tables: [],
    });
  });
});

describe("table stats", () => {
  it("round-trips every field", () => {
    const stats = tableStats({
      numRows: 10n,
      sizeInBytes: 800n,
      isExternalRowidAlloc: true,
      addressType: "ipv4",
      vips: [
        { startAddress: "10.0.0.1", addressCount: 2 },
        { startAddress: "10.0.1.7", addressCount: 1 },
      ],
      sortingKeyEnabled: true,
      sortingScore: 3n,
      writeAmplification: 2n,
      acummulativeRowInsertionCount: 11n,
      vectorIndex: { columnName: "v", distanceMetric: "l2sq", sqlFunctionName: "array_distance" },
    });
    expect(decodeTableStats(encodeTableStats(stats))).toEqual(stats);
  });

  it("decodes an all-defaults message", () => {
    expect(decodeTableStats(encodeTableStats(tableStats({})))).toEqual(tableStats({}));
  });
});

describe("properties requests and S3 errors", () => {
  it("round-trips properties and column stats", () => {
    expect(decodePropertiesRequest(encodePropertiesRequest({ properties: "x=1" }))).toEqual({
      properties: "x=1",
    });
    expect(decodePropertiesRequest(encodePropertiesRequest({ properties: "", stats: "s" }))).toEqual({
      properties: "",
      stats: "s",
    });
    expect(decodePropertiesRequest(new Uint8Array(0))).toEqual({ properties: "" });
  });

  it("round-trips an S3 error with characters that need escaping", () => {
    const err = { code: "SlowDown", message: `a <b> & "c" 'd'`, resource: "/b/s", requestId: "r1" };
    const xml = encodeS3Error(err);
    expect(xml).toContain("<Code>SlowDown</Code>");
    expect(decodeS3Error(xml)).toEqual(err);
    expect(decodeS3Error("not xml")).toBeNull();
  });
});
