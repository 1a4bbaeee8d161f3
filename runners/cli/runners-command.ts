/**
 * `sluice runners`: lists the runners `--runner` can name.
 * @module
 */
import { describeRunners } from "../registry.js";

/**
 * Writes the registered runners, one a line, to `out`.
 * @example
 * runnersCommand(); // "Registered runners (pick one with --runner=<name>):\n  direct   in-process ..."
 */
export function runnersCommand(out: NodeJS.WritableStream = process.stdout): void {
  out.write(`Registered runners (pick one with --runner=<name>):\n${describeRunners()}\n`);
}
