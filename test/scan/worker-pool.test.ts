import { describe, expect, it } from "vitest";
import { databaseThreadsBeside } from "../../src/scan/worker-pool.js";

describe("databaseThreadsBeside", () => {
  it("gives the database the cores the inspection workers leave, at least one", () => {
    expect(databaseThreadsBeside(2, 2)).toBe(1);
    expect(databaseThreadsBeside(4, 2)).toBe(1);
    expect(databaseThreadsBeside(0, 2)).toBe(2);
    expect(databaseThreadsBeside(2, 16)).toBe(14);
    expect(databaseThreadsBeside(1, 1)).toBe(1);
  });
});
