/** SQL literals for statements built as text (the values are ours: ids, paths, times). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlTimestamp(date: Date): string {
  return `make_timestamp(${BigInt(date.getTime()) * 1000n})`;
}

export function sqlList(values: readonly string[]): string {
  return values.map(sqlString).join(",");
}
