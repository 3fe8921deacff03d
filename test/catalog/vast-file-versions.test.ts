/** Which stored row of a file counts (the smallest `$row_id` per `file_id`), from the key columns of a select. */
import { Table, Uint64, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import {
  FILE_KEY_COLUMNS,
  type FileVersion,
  pickWinners,
  versionsOf,
} from "../../src/catalog/vast/file-versions.js";
import { ROW_ID } from "../../src/vast/client/transaction.js";

const v = (file_id: string, rowId: bigint, token: string | null = null, index = 0): FileVersion => ({
  file_id,
  token,
  rowId,
  index,
});

describe("file versions", () => {
  it("the key columns are file_id and ingest_token", () => {
    expect(FILE_KEY_COLUMNS).toEqual(["file_id", "ingest_token"]);
  });

  it("reads every row's id, token, $row_id and index; a missing id is empty, a missing token null", () => {
    const table = new Table({
      file_id: vectorFromArray(["a", null, "b"], new Utf8()),
      ingest_token: vectorFromArray(["t1", "t2", null], new Utf8()),
      [ROW_ID]: vectorFromArray([9n, 2n ** 63n, 0n], new Uint64()),
    });
    expect(versionsOf(table)).toEqual([
      { file_id: "a", token: "t1", rowId: 9n, index: 0 },
      { file_id: "", token: "t2", rowId: 2n ** 63n, index: 1 },
      { file_id: "b", token: null, rowId: 0n, index: 2 },
    ]);
  });

  it("the winner of each file is its row with the smallest $row_id, wherever it comes in the list", () => {
    const a3 = v("a", 3n, "late");
    const a1 = v("a", 1n, "early");
    const a2 = v("a", 2n, "middle");
    const b5 = v("b", 5n);
    const b5again = v("b", 5n, "same row id, later in the list");
    const winners = pickWinners([a3, b5, a1, b5again, a2]);
    expect([...winners.keys()]).toEqual(["a", "b"]);
    expect(winners.get("a")).toBe(a1);
    expect(winners.get("b")).toBe(b5); // a tie keeps the first seen
    expect(pickWinners([])).toEqual(new Map());
  });
});
