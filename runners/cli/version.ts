/**
 * The package version, for `sluice --version`.
 * @module
 */
import fs from "node:fs";

/**
 * The `version` field of Sluice's package.json (read at call time, from the source tree or the built package).
 * @example
 * sluiceVersion(); // "0.1.0"
 */
export function sluiceVersion(): string {
  // From source: runners/cli/ is two levels below the package; built: dist/runners/cli/, three.
  for (const up of ["../../package.json", "../../../package.json"]) {
    const file = new URL(up, import.meta.url);
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "sluice") return pkg.version ?? "unknown";
  }
  return "unknown";
}
