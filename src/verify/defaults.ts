// Defaults of the Hub client, apart so the CLI can validate flags without loading it.
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_BUDGET_MS = 60_000;
export const MAX_WHOAMI_BYTES = 1 << 20;
export const MAX_LIST_BYTES = 8 << 20;
