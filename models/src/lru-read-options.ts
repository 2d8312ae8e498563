/**
 * Pass to `LRUCache` get/peek on per-reading paths. Without it lru-cache creates a fresh options
 * object on every call (a default parameter), measured as one allocation per reading at
 * thousands of readings per second; the cache writes only its diagnostics `status` into it.
 */
export const LRU_READ_OPTIONS = {};
