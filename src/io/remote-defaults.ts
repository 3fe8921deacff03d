/** Objects in flight at once: enough to keep a LAN endpoint with tens of milliseconds of latency busy. */
export const DEFAULT_REMOTE_CONCURRENCY = 64;
