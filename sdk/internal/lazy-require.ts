/**
 * Loading a dependency on first use: the IO formats' libraries (Parquet, CSV) are ~100 modules that a pipeline
 * which reads no such file should not pay for at start-up. `require` loads ES modules too (Node ≥ 20.19), so the
 * callers stay synchronous.
 * @module
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A function returning the module `specifier` (resolved from Sluice's own dependencies), loaded at its first
 * call.
 * @example
 * const csv = lazyRequire<typeof import("csv-parse/sync")>("csv-parse/sync");
 * csv().parse("a,b\n1,2");
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
