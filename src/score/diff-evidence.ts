import type { Json } from '../model/json.js';

type JsonDiffModule = typeof import('json-diff-ts');

/*
 * json-diff-ts costs up to ~17 ms to load and is only needed to explain a failure, so it is imported on
 * the first failure that wants a diff. After that the module is held here and diffs are synchronous.
 */
let loaded: JsonDiffModule | undefined;
let loading: Promise<JsonDiffModule> | undefined;

function loadJsonDiff(): Promise<JsonDiffModule> {
  return (loading ??= import('json-diff-ts').then((mod) => (loaded = mod)));
}

/** A json-diff-ts changeset turning `expected` into `actual`, as JSON. */
function changeset(mod: JsonDiffModule, expected: Json, actual: Json): Json {
  // Round-trip: the changeset may carry `undefined` fields that are not JSON.
  return JSON.parse(JSON.stringify(mod.diff(expected, actual))) as Json;
}

/**
 * Calls `build` with a function that diffs `expected` → `actual` (a json-diff-ts changeset): synchronously
 * when json-diff-ts is already loaded, else after loading it. Lets a failing assertion stay synchronous
 * from the second failure on.
 */
export function withDiff<T>(build: (diff: (expected: Json, actual: Json) => Json) => T): T | Promise<T> {
  if (loaded) {
    const mod = loaded;
    return build((e, a) => changeset(mod, e, a));
  }
  return loadJsonDiff().then((mod) => build((e, a) => changeset(mod, e, a)));
}
