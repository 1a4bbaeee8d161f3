/**
 * `--localWorkers N`: a `sluice worker --concurrency N` on this machine for one run, so that a single command runs
 * a job on the NATS runner. Its N serving processes are ordinary workers (they serve any job on the cluster while
 * they live) and exit with the run: on `disconnect` of the supervisor's IPC channel, which also happens when the
 * coordinator dies.
 * @module
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import type { NatsOptions } from "./nats-options.js";
import { serversOf } from "./connect.js";
import { stopChild } from "./stop-child.js";

/** `bin/sluice.js`: two levels up in the sources, three when built (dist/runners/nats/). */
function sluiceBin(): string {
  for (const up of ["../../bin/sluice.js", "../../../bin/sluice.js"]) {
    const file = fileURLToPath(new URL(up, import.meta.url));
    if (fs.existsSync(file)) return file;
  }
  throw new Error("cannot find bin/sluice.js to start local workers");
}

/** Workers started for a run. */
export interface LocalWorkers {
  stop(): Promise<void>;
}

/** The command-line arguments that connect a worker as `options` do (secrets go in the environment). */
function connectionArgs(options: NatsOptions): string[] {
  const args = ["--servers", serversOf(options)];
  const user = options.user ?? process.env.SLUICE_NATS_USER;
  if (user !== undefined) args.push("--user", user);
  for (const name of ["nkeyFile", "credsFile", "tlsCa", "tlsCert", "tlsKey", "replicas"] as const) {
    const v = options[name];
    if (v !== undefined) args.push(`--${name}`, String(v));
  }
  return args;
}

/** Starts a supervisor of `count` workers with the run's connection options. */
export function startLocalWorkers(count: number, options: NatsOptions): LocalWorkers {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The coordinator's program bundle and ownership are its own; a worker loads its Sluice and owns its files.
  delete env.SLUICE_BUNDLE;
  delete env.SLUICE_OWNER_PID;
  delete env.SLUICE_RUN_DIR;
  if (options.password !== undefined) env.SLUICE_NATS_PASSWORD = options.password;
  if (options.token !== undefined) env.SLUICE_NATS_TOKEN = options.token;
  // Kept referenced: the run waits for it (to start, and to exit at its end).
  // The run's --memoryMb is theirs too: their heaps are capped by it, as the process runner's workers' are.
  const args = ["worker", "--concurrency", String(count), "--memoryMb", String(options.memoryMb), ...connectionArgs(options)];
  const supervisor = fork(sluiceBin(), args, { env, stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [] });
  return { stop: () => stopChild(supervisor, 5000) };
}
