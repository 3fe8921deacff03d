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

describe("ListObjectsV2 answers: each entry read inside its own <Contents>", () => {
  it("a field missing from one entry is not taken from the next; an entry without a key is skipped", () => {
    const xml = page(
      "<Contents><Key>a.exr</Key></Contents>" +
        "<Contents><Size>7</Size><ETag>x</ETag></Contents>" +
        "<Contents></Contents>" +
        "<Contents><Key>b.exr</Key><Size>9</Size><LastModified>2026-12-07T09:00:00.000Z</LastModified><ETag>e</ETag></Contents>" +
        "<IsTruncated>false</IsTruncated><NextContinuationToken>ignored</NextContinuationToken>",
    );
    expect(parseListPage(xml)).toEqual({
      objects: [
        { key: "a.exr", size: 0, etag: null, lastModified: null },
        { key: "b.exr", size: 9, etag: "e", lastModified: new Date("2026-12-07T09:00:00.000Z") },
      ],
      nextToken: undefined,
    });
  });

  it("an element closed only after its entry ends is absent from that entry", () => {
    const xml = page(
      "<Contents><Key>a.exr</Key><Size>1</Contents><Contents><Key>b</Key><Size>2</Size></Contents>",
    );
    expect(parseListPage(xml).objects.map((o) => [o.key, o.size])).toEqual([
      ["a.exr", 0],
      ["b", 2],
    ]);
  });

  it("a truncated page without a token, and a token on a page that is not truncated, end the listing", () => {
    expect(parseListPage(page("<IsTruncated>true</IsTruncated>")).nextToken).toBeUndefined();
    expect(
      parseListPage(page("<IsTruncated>true</IsTruncated><NextContinuationToken></NextContinuationToken>"))
        .nextToken,
    ).toBeUndefined();
    expect(parseListPage(page("<NextContinuationToken>t</NextContinuationToken>")).nextToken).toBeUndefined();
  });

  it("decodes every named entity and code points up to U+10FFFF", () => {
    expect(decodeXmlText("&lt;&gt;&amp;&quot;&apos;")).toBe("<>&\"'");
    expect(decodeXmlText("&#x10FFFF;&#x110000;&#1114112;")).toBe("\u{10FFFF}&#x110000;&#1114112;");
    expect(decodeXmlText("plain")).toBe("plain");
  });
});
