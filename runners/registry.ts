/**
 * The runners `--runner` can name. Each entry loads its runner lazily, so choosing one never loads the others.
 * @module
 */
import type { Runner } from "../sdk/runner-api.js";
import { UsageError } from "../sdk/parse-options.js";

interface RunnerEntry {
  readonly description: string;
  load(): Promise<Runner>;
}

const RUNNERS: Readonly<Record<string, RunnerEntry>> = {
  direct: {
    description: "in-process reference runner; checks the model (immutability, key determinism, order)",
    load: async () => new (await import("./direct/direct-runner.js")).DirectRunner(),
  },
  threads: {
    description: "worker threads (piscina), one per core by default; for CPU-heavy pipelines",
    load: async () => new (await import("./threads/threads-runner.js")).ThreadsRunner(),
  },
  process: {
    description: "child processes with a shuffle in files under --tempDir; survives crashing workers",
    load: async () => new (await import("./process/process-runner.js")).ProcessRunner(),
  },
};

/** Names of the registered runners. */
export function runnerNames(): string[] {
  return Object.keys(RUNNERS);
}

/** One line per runner, for `--help`. */
export function describeRunners(): string {
  return Object.entries(RUNNERS)
    .map(([name, r]) => `  ${name.padEnd(8)} ${r.description}`)
    .join("\n");
}

/** Loads the runner registered as `name`. @throws UsageError listing the registered runners */
export async function loadRunner(name: string): Promise<Runner> {
  const entry = Object.hasOwn(RUNNERS, name) ? RUNNERS[name] : undefined;
  if (!entry) throw new UsageError(`unknown runner '${name}'; registered runners: ${runnerNames().join(", ")}`);
  return entry.load();
}
