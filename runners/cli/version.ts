/**
 * The package version, for `sluice --version`.
 * @module
 */
import fs from "node:fs";

/**
 * The `version` field of Sluice's package.json (read at call time: the CLI runs from source, with no build step
 * to inline it).
 * @example
 * sluiceVersion(); // "0.1.0"
 */
export function sluiceVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}
