/** Header names, query commands and stream-id constants of VAST's tabular HTTP API (`tabular-api-version-id: 1`). */

export const TABULAR_HEADERS = {
  txid: "tabular-txid",
  apiVersion: "tabular-api-version-id",
  clientName: "tabular-client-name",
  maxKeys: "tabular-max-keys",
  nextKey: "tabular-next-key",
  isTruncated: "tabular-is-truncated",
  listCount: "tabular-list-count",
  listCountOnly: "tabular-list-count-only",
  namePrefix: "tabular-name-prefix",
  nameExactMatch: "tabular-name-exact-match",
  includeListStats: "tabular-include-list-stats",
  onlyColumnNames: "tabular-only-column-names",
  split: "tabular-split",
  numSubSplits: "tabular-num-of-subsplits",
  /** Followed by the sub-split index: `tabular-start-row-id-3: "3,<row>"`. */
  startRowIdPrefix: "tabular-start-row-id-",
  limitRows: "tabular-limit-rows",
  scheduleId: "tabular-schedule-id",
  requestFormat: "tabular-request-format",
  responseFormat: "tabular-response-format",
  enableSortedProjections: "tabular-enable-sorted-projections",
  /** Followed by the key position: `tabular-sorted-column-0: "2"`. */
  sortedColumnPrefix: "tabular-sorted-column-",
  useExternalRowIdsAlloc: "use-external-row-ids-alloc",
  columnSep: "tabular-column-sep",
} as const;

/** Query-string parameters that carry arguments of DDL commands. */
export const TABULAR_PARAMS = {
  newSchemaName: "tabular-new-schema-name",
  newTableName: "tabular-new-table-name",
  columnName: "tabular-column-name",
  newColumnName: "tabular-new-column-name",
  subTable: "sub-table",
} as const;

/** The pseudo-column carrying row ids in insert responses, update/delete requests and selects. */
export const ROW_ID_COLUMN = "$row_id";

/** `next_row_id` value meaning "this sub-split is exhausted": (1 << 48) - 1. */
export const INVALID_ROW_ID = 0xffffffffffffn;

export const STREAM_ID_KEEP_ALIVE = 0xffffffff;
export const STREAM_ID_COMPLETED = 0xfffffffe;
export const STREAM_ID_FAILED = 0xfffffffd;
