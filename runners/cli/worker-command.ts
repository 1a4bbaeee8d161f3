/**
 * `sluice worker`: serve NATS jobs. This process supervises `--concurrency N` serving processes (each runs one
 * task at a time, so N uses N cores; `worker-supervisor.ts`); a serving process runs this command too, told so by
 * its environment.
 * @module
 */
import os from "node:os";
import type { Options as YargsOption } from "yargs";
import { UsageError } from "../../sdk/usage-error.js";
import { NATS_CONNECTION_OPTIONS, SERVING_PROCESS_ENV, type NatsConnectionOptions } from "../nats/nats-options.js";
import type { WorkerOptions } from "../nats/nats-worker.js";
import { WORKER_HEAP_OVERHEAD_MB } from "../shared/heap-limit.js";

/** What `sluice worker` reads. */
export interface WorkerCommandOptions extends NatsConnectionOptions {
  concurrency: number;
  tempDir: string;
  memoryMb: number;
  replicas?: number;
}

export const WORKER_OPTIONS: Readonly<Record<keyof WorkerCommandOptions, YargsOption>> = {
  ...NATS_CONNECTION_OPTIONS,
  concurrency: { type: "number", default: 1, describe: "worker processes to start (one task at a time each)" },
  tempDir: { type: "string", default: os.tmpdir(), describe: "each job gets a private directory (0700) here for spill files and sinks' temporary files" },
  memoryMb: {
    type: "number",
    default: 512,
    describe: `memory budget (MiB) of each worker process: grouping spills to --tempDir past it (or past a job's own --memoryMb, if smaller); its heap is capped at it plus ${WORKER_HEAP_OVERHEAD_MB}`,
  },
  replicas: { type: "number", describe: "replicas of the registries, if this worker creates them (default: 3 on a cluster)" },
};

export async function workerCommand(options: WorkerCommandOptions): Promise<void> {
  const serving = process.env[SERVING_PROCESS_ENV];
  if (serving !== undefined) {
    // A serving process, started by the supervisor below with its options.
    delete process.env[SERVING_PROCESS_ENV];
    // Without its supervisor nobody keeps its registry entry: it leaves gracefully, or after 10 s at the latest.
    process.once("disconnect", () => setTimeout(() => process.exit(0), 10_000).unref());
    const { runWorker } = await import("../nats/nats-worker.js");
    await runWorker(JSON.parse(serving) as WorkerOptions);
  } else {
    const n = options.concurrency;
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency must be a positive integer, got ${String(n)}`);
    if (!Number.isInteger(options.memoryMb) || options.memoryMb < 1) throw new UsageError(`--memoryMb must be a positive integer, got ${String(options.memoryMb)}`);
    const { concurrency: _, ...workerOptions } = options;
    const { superviseWorkers } = await import("../nats/worker-supervisor.js");
    await superviseWorkers(workerOptions, n);
  }
  // Whatever the client left behind (a reconnect timer to servers that are gone) must not keep a stopped worker.
  process.exit(0);
}
