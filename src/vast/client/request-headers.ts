/** Headers every tabular request carries, and reading one header value. */

export function commonHeaders(txid: bigint): Record<string, string> {
  return {
    "tabular-txid": txid.toString(),
    "tabular-api-version-id": "1",
    "tabular-client-name": "tabular-api",
  };
}

export function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}
