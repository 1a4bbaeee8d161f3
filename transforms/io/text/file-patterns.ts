/**
 * Expands file patterns (globs or plain paths) into the sorted list of files they name.
 * @module
 */
import fs from "node:fs/promises";
import path from "node:path";
import { lazyRequire } from "../../../sdk/internal/lazy-require.js";

const fastGlob = lazyRequire<typeof import("fast-glob")>("fast-glob");

/** A file a pattern named, with its size (read once here so splitting needs no second `stat`). */
export interface MatchedFile {
  /** Absolute path, so that a worker with another working directory reads the same file. */
  readonly path: string;
  readonly sizeBytes: number;
}

/**
 * The files the patterns name, sorted by path and without duplicates. A pattern with glob characters (`*`, `?`,
 * `[...]`, `{a,b}`, `**`) is matched with fast-glob; any other pattern is a plain path, which must exist.
 * @throws Error `no files match '<pattern>'` for a glob that matches nothing, `no such file '<path>'` for a
 *   missing plain path: a typo in an input path fails the run at once instead of reading nothing.
 * @example
 * const files = await expandFilePatterns(["logs/*.txt", "extra.txt"]);
 */
export async function expandFilePatterns(patterns: readonly string[]): Promise<MatchedFile[]> {
  const found = new Map<string, number>();
  for (const pattern of patterns) {
    if (fastGlob().isDynamicPattern(pattern)) {
      // `stats: true` gets the sizes from the same directory walk, one fewer syscall per file.
      const entries = await fastGlob()(pattern, { onlyFiles: true, absolute: true, stats: true, followSymbolicLinks: true });
      if (entries.length === 0) throw new Error(`no files match '${pattern}'`);
      for (const e of entries) found.set(path.resolve(e.path), e.stats!.size);
    } else {
      const absolute = path.resolve(pattern);
      const stat = await fs.stat(absolute).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT" || e.code === "ENOTDIR") throw new Error(`no such file '${pattern}'`);
        throw e;
      });
      if (!stat.isFile()) throw new Error(`'${pattern}' is not a file`);
      found.set(absolute, stat.size);
    }
  }
  // Plain `<` order (not localeCompare): the same on every machine whatever its locale.
  return [...found]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, sizeBytes]) => ({ path: p, sizeBytes }));
}
