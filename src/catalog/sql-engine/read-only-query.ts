import { type DuckDBConnection, StatementType } from "@duckdb/node-api";
import type { QueryResult } from "../port.js";
import { plainValue } from "./values.js";

/** Runs SELECT statements only (every statement's type is checked before anything runs); last result wins. */
export async function runReadOnly(connection: DuckDBConnection, sql: string): Promise<QueryResult> {
  const extracted = await connection.extractStatements(sql);
  // Stryker disable next-line all: unreachable with DuckDB 1.x, whose extractStatements throws on a text without a statement; kept so a later DuckDB answering 0 cannot run nothing and report an empty result
  if (extracted.count === 0) throw new Error("no SQL statement given");
  const prepared = [];
  for (let i = 0; i < extracted.count; i++) {
    const statement = await extracted.prepare(i);
    if (statement.statementType !== StatementType.SELECT) {
      throw new Error(
        `read-only: only SELECT statements are allowed (statement ${i + 1} is ${StatementType[statement.statementType]})`,
      );
    }
    prepared.push(statement);
  }
  // Stryker disable next-line ArrayDeclaration,ObjectLiteral: never returned as is: at least one statement runs (count ≥ 1 above)
  let result: QueryResult = { columns: [], rows: [] };
  for (const statement of prepared) {
    const reader = await statement.runAndReadAll();
    result = { columns: reader.columnNames(), rows: reader.getRowsJS().map((row) => row.map(plainValue)) };
  }
  return result;
}
