/**
 * One NATS cluster and three `sluice worker` processes for the whole test run, started on first use (so test
 * files that never run on `nats` pay nothing) and stopped when the test process exits. The conformance matrix
 * and the NATS runner's tests run their jobs on it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { natsServerAvailable, startNatsCluster, type NatsCluster } from "./nats-cluster.js";

/** The options a job needs to run on the shared cluster. */
export interface NatsTestOptions {
  readonly servers: string;
  readonly user: string;
  readonly password: string;
}

/** Why the NATS runner's tests are skipped here, or undefined when they can run. */
export function natsUnavailable(): string | undefined {
  return natsServerAvailable() ? undefined : "nats-server is not installed (.ci/run installs it from Debian)";
}

const BIN = fileURLToPath(new URL("../../../bin/sluice.js", import.meta.url));

/** Every worker started, killed when this process exits. */
const started = new Set<ChildProcess>();
process.once("exit", () => {
  for (const w of started) w.kill("SIGKILL");
});

let shared: Promise<{ cluster: NatsCluster; options: NatsTestOptions; workers: ChildProcess[] }> | undefined;

/** Starts `count` worker processes on the cluster (they exit with this process). */
export function startWorkers(options: NatsTestOptions, count: number): ChildProcess[] {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_NATS_PASSWORD: options.password };
  delete env.SLUICE_BUNDLE;
  const workers: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    workers.push(fork(BIN, ["worker", "--servers", options.servers, "--user", options.user], { env, stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [] }));
  }
  for (const w of workers) {
    w.unref();
    w.channel?.unref();
    started.add(w);
    w.once("exit", () => started.delete(w));
  }
  return workers;
}

/** The shared cluster with its three workers. */
export function sharedNats(): Promise<{ cluster: NatsCluster; options: NatsTestOptions; workers: ChildProcess[] }> {
  shared ??= (async () => {
    const cluster = await startNatsCluster({ nodes: 3 });
    const options = { servers: cluster.servers.join(","), user: cluster.user, password: cluster.password };
    const workers = startWorkers(options, 3);
    process.once("exit", () => void cluster.stop());
    return { cluster, options, workers };
  })();
  return shared;
}

/** Stops the shared cluster and every worker, if they were started (the test run's end: nothing may keep it alive). */
export async function stopSharedNats(): Promise<void> {
  for (const w of started) w.kill("SIGKILL");
  const running = shared;
  shared = undefined;
  if (running) await (await running.catch(() => undefined))?.cluster.stop();
}

/** Options for a conformance run on `nats`: the shared cluster and its workers. */
export async function natsRunOptions(): Promise<NatsTestOptions & { workerWait: number; parallelism: number }> {
  const { options } = await sharedNats();
  return { ...options, workerWait: 30, parallelism: 3 };
}
