/**
 * The runners `--runner` can name, each with its own options. Each entry loads its runner lazily, so choosing one
 * never loads the others; its options are small declaration modules, so parsing the command line loads no
 * runner. The SDK reaches this module only lazily, through `sdk/run.ts`.
 * @module
 */
import type { Runner, RunnerDeclaration } from "../sdk/runner-api.js";
import { UsageError } from "../sdk/parse-options.js";
import { DIRECT_OPTIONS } from "./direct/direct-options.js";
import { PARALLEL_OPTIONS, validateParallelOptions } from "./shared/parallel-options.js";
import { PROCESS_OPTIONS, validateProcessOptions } from "./process/process-options.js";
import { NATS_OPTIONS, validateNatsOptions } from "./nats/nats-options.js";

/** A registered runner: its declaration and how to load it. */
interface RunnerEntry extends RunnerDeclaration {
  load(): Promise<Runner>;
}

const RUNNERS: readonly RunnerEntry[] = [
  {
    name: "direct",
    description: "in-process reference runner; checks the model (immutability, key determinism, order)",
    options: DIRECT_OPTIONS,
    load: async () => new (await import("./direct/direct-runner.js")).DirectRunner(),
  },
  {
    name: "threads",
    description: "worker threads (piscina), one per core by default; for CPU-heavy pipelines",
    options: PARALLEL_OPTIONS,
    validateOptions: validateParallelOptions,
    load: async () => new (await import("./threads/threads-runner.js")).ThreadsRunner(),
  },
  {
    name: "process",
    description: "child processes with a shuffle in files under --tempDir; survives crashing workers",
    options: PROCESS_OPTIONS,
    validateOptions: validateProcessOptions,
    load: async () => new (await import("./process/process-runner.js")).ProcessRunner(),
  },
  {
    name: "nats",
    description: "workers on any machines over NATS JetStream (sluice worker, or --localWorkers N); survives lost workers",
    options: NATS_OPTIONS,
    validateOptions: validateNatsOptions,
    load: async () => new (await import("./nats/nats-runner.js")).NatsRunner(),
  },
];

/** Names of the registered runners. */
export function runnerNames(): string[] {
  return RUNNERS.map((r) => r.name);
}

/** Every registered runner's declaration, in registration order. */
export function runnerDeclarations(): readonly RunnerDeclaration[] {
  return RUNNERS;
}

/** The declaration of the runner registered as `name`. @throws UsageError listing the registered runners */
export function runnerDeclaration(name: string): RunnerDeclaration {
  return entry(name);
}

/** One line per runner, for `--help`. */
export function describeRunners(): string {
  return RUNNERS.map((r) => `  ${r.name.padEnd(8)} ${r.description}`).join("\n");
}

/** Loads the runner registered as `name`. @throws UsageError listing the registered runners */
export async function loadRunner(name: string): Promise<Runner> {
  return entry(name).load();
}

function entry(name: string): RunnerEntry {
  const found = RUNNERS.find((r) => r.name === name);
  if (!found) throw new UsageError(`unknown runner '${name}'; registered runners: ${runnerNames().join(", ")}`);
  return found;
}
