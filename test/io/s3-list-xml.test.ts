import { describe, expect, it } from "vitest";
import { decodeXmlText, parseListPage } from "../../src/io/s3-list-xml.js";

const page = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</ListBucketResult>`;

describe("ListObjectsV2 answers", () => {
  it("reads keys, sizes, ETags and dates in order, and the continuation token of a truncated page", () => {
    const xml = page(
      "<Name>renders</Name><Prefix>shots/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>" +
        "<IsTruncated>true</IsTruncated><NextContinuationToken>tok/2+=</NextContinuationToken>" +
        "<Contents><Key>shots/a &amp; b &lt;1&gt;.exr</Key><LastModified>2026-12-07T09:00:00.000Z</LastModified>" +
        "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>5242880</Size>" +
        "<Owner><ID>x</ID><DisplayName>y</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>" +
        "<Contents><Key>shots/caf&#233;/&#x1F600;.exr</Key><LastModified>2026-12-07T09:00:01.000Z</LastModified>" +
        '<ETag>"abc-2"</ETag><Size>0</Size></Contents>',
    );
    expect(parseListPage(xml)).toEqual({
      objects: [
        {
          key: "shots/a & b <1>.exr",
          size: 5242880,
          etag: '"9b2cf535f27731c974343645a3985328"',
          lastModified: new Date("2026-12-07T09:00:00.000Z"),
        },
        {
          key: "shots/café/😀.exr",
          size: 0,
          etag: '"abc-2"',
          lastModified: new Date("2026-12-07T09:00:01.000Z"),
        },
      ],
      nextToken: "tok/2+=",
    });
  });

  it("ends at a page that is not truncated, wherever the server puts IsTruncated", () => {
    const last = page(
      "<Contents><Key>k.exr</Key><Size>1</Size></Contents><IsTruncated>false</IsTruncated><KeyCount>1</KeyCount>",
    );
    expect(parseListPage(last)).toEqual({
      objects: [{ key: "k.exr", size: 1, etag: null, lastModified: null }],
      nextToken: undefined,
    });
    expect(parseListPage(page("<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"))).toEqual({
      objects: [],
      nextToken: undefined,
    });
  });

  it("refuses what is not a listing or is cut short", () => {
    expect(() => parseListPage("<Error><Code>AccessDenied</Code></Error>")).toThrow(/ListBucketResult/);
    expect(() => parseListPage(page("<Contents><Key>a</Key>").slice(0, -20))).toThrow(/truncated/);
  });

  it("decodes only well-formed references", () => {
    expect(decodeXmlText("a &amp;amp; &unknown; &#65;&#x42;")).toBe("a &amp; &unknown; AB");
  });
});
