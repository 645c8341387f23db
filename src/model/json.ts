/** Any value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object (the shape of tool arguments, config blocks, and most records). */
export type JsonObject = { [key: string]: Json };
