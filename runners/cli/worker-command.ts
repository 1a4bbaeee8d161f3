/**
 * `sluice worker`: serve NATS jobs. `--concurrency N` starts N worker processes (each runs one task at a time, so
 * N uses N cores); the first is this process.
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import type { Options as YargsOption } from "yargs";
import { UsageError } from "../../sdk/usage-error.js";
import { NATS_CONNECTION_OPTIONS, type NatsConnectionOptions } from "../nats/nats-options.js";

/** What `sluice worker` reads. */
export interface WorkerCommandOptions extends NatsConnectionOptions {
  concurrency: number;
  tempDir: string;
  replicas?: number;
}

export const WORKER_OPTIONS: Readonly<Record<keyof WorkerCommandOptions, YargsOption>> = {
  ...NATS_CONNECTION_OPTIONS,
  concurrency: { type: "number", default: 1, describe: "worker processes to start (one task at a time each)" },
  tempDir: { type: "string", default: os.tmpdir(), describe: "each job gets a private directory (0700) here for spill files and sinks' temporary files" },
  replicas: { type: "number", describe: "replicas of the registries, if this worker creates them (default: 3 on a cluster)" },
};

export async function workerCommand(options: WorkerCommandOptions): Promise<void> {
  const n = options.concurrency;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency must be a positive integer, got ${String(n)}`);
  const children: ChildProcess[] = [];
  if (n > 1) {
    const args = process.argv.slice(2).filter((a, i, all) => a !== "--concurrency" && all[i - 1] !== "--concurrency" && !a.startsWith("--concurrency="));
    for (let i = 1; i < n; i++) children.push(fork(process.argv[1]!, args, { stdio: "inherit" }));
    const stop = () => {
      for (const c of children) c.kill("SIGTERM");
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  const { runWorker } = await import("../nats/nats-worker.js");
  await runWorker(options);
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(undefined) : c.once("exit", r)))));
  // Whatever the client left behind (a reconnect timer to servers that are gone) must not keep a stopped worker.
  process.exit(0);
}
