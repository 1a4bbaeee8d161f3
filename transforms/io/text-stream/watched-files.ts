/**
 * Lists the files a text stream follows, as they are now: unlike the bounded `expandFilePatterns`, a pattern
 * that matches nothing (yet) is not an error, since files may still arrive.
 * @module
 */
import fs from "node:fs/promises";
import path from "node:path";
import { lazyRequire } from "../../../sdk/internal/lazy-require.js";

const fastGlob = lazyRequire<typeof import("fast-glob")>("fast-glob");

/**
 * The files the patterns name at this moment, as sorted absolute paths without duplicates:
 * - a glob (`*`, `?`, `[...]`, `{a,b}`, `**`) names the files it matches;
 * - a directory names the files directly in it, except dot files (writers that write a temporary dot file and
 *   rename it into place are thus read once, whole);
 * - any other path names that file, once it exists.
 * @example
 * const files = await listWatchedFiles(["incoming/", "logs/*.log"]);
 */
export async function listWatchedFiles(patterns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (fastGlob().isDynamicPattern(pattern)) {
      const entries = await fastGlob()(pattern, { onlyFiles: true, absolute: true, followSymbolicLinks: true, suppressErrors: true });
      for (const e of entries) found.add(path.resolve(e));
      continue;
    }
    const absolute = path.resolve(pattern);
    const stat = await fs.stat(absolute).catch(ignoreMissing);
    if (stat === undefined) continue;
    if (stat.isFile()) {
      found.add(absolute);
    } else if (stat.isDirectory()) {
      const entries = await fs.readdir(absolute, { withFileTypes: true }).catch(ignoreMissing);
      for (const e of entries ?? []) {
        if (e.name.startsWith(".")) continue;
        const file = path.join(absolute, e.name);
        if (e.isFile() || (e.isSymbolicLink() && (await fs.stat(file).catch(ignoreMissing))?.isFile())) found.add(file);
      }
    }
  }
  // Plain `<` order (not localeCompare): the same on every machine whatever its locale.
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A path that vanished between listing and looking (or never existed) is simply not there yet. */
export function ignoreMissing(e: NodeJS.ErrnoException): undefined {
  if (e.code === "ENOENT" || e.code === "ENOTDIR") return undefined;
  throw e;
}
