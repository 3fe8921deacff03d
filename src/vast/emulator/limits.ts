/**
 * Size limits VAST enforces on the tabular API. The SDK keeps every request under 5 MiB
 * (`MAX_TABULAR_REQUEST_SIZE = 5 << 20`, inserts sliced to 98 % of it) because the server refuses larger ones;
 * the emulator refuses them too, so a client that does not split is caught here and not on a cluster.
 */
export const MAX_TABULAR_BODY_BYTES = 5 << 20;
