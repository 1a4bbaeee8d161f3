/**
 * One NATS cluster and three `sluice worker` processes for the whole test run, started on first use (so test
 * files that never run on `nats` pay nothing) and stopped when the test process exits. The conformance matrix
 * and the NATS runner's tests run their jobs on it.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { WORKER_LOST_MS, WORKERS_BUCKET, type WorkerEntry } from "../../../runners/nats/job-resources.js";
import { natsServerAvailable, startNatsCluster, type NatsCluster, type NatsClusterOptions } from "./nats-cluster.js";

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

/** Every worker started, killed (with its serving processes) when this process exits. */
const started = new Set<ChildProcess>();
process.once("exit", () => {
  for (const w of started) killTree(w.pid);
});

let shared: Promise<{ cluster: NatsCluster; options: NatsTestOptions; workers: ChildProcess[] }> | undefined;

/** How {@link startWorkers} starts workers, beyond the cluster's options. */
export interface WorkerStart {
  /** Variables added to the workers' environment (e.g. `SLUICE_NATS_TRACE: "1"`). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Called with each line a worker (its supervisor and serving processes, which share its stderr) writes to stderr.
   * By default the lines go on to this process's stderr, but for the ones every start and every kill print.
   */
  readonly onStderr?: (line: string, worker: ChildProcess) => void;
}

/**
 * Lines of a worker's stderr that the tests expect of it: its banner, its restarts after a kill, and a traced
 * (`SLUICE_NATS_TRACE`) serving process's start.
 */
const ROUTINE = /^sluice worker: (serving jobs from |worker \S+ exited \(SIGKILL\); starting another|\S+ serving$)/;

/** The line a traced worker writes as it takes a task (`<job>/<task> <kind> delivery <n>`), the kind captured. */
export const TASK_LINE = /^sluice worker: \S+\/t\d+ (\w+) delivery \d+/;

/** The default of {@link WorkerStart.onStderr}: a line on to this process's stderr, unless it is a routine one. */
export function passOn(line: string): void {
  if (!ROUTINE.test(line)) process.stderr.write(`${line}\n`);
}

/**
 * Starts `count` `sluice worker` processes on the cluster (they exit with this process). Each is a process tree:
 * the supervisor returned here and the serving process(es) it forks.
 */
export function startWorkers(options: NatsTestOptions, count: number, how: WorkerStart = {}): ChildProcess[] {
  const env: NodeJS.ProcessEnv = { ...process.env, ...how.env, SLUICE_NATS_PASSWORD: options.password };
  delete env.SLUICE_BUNDLE;
  const workers: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    workers.push(fork(BIN, ["worker", "--servers", options.servers, "--user", options.user], { env, stdio: ["ignore", "ignore", "pipe", "ipc"], execArgv: [] }));
  }
  for (const w of workers) {
    w.unref();
    w.channel?.unref();
    started.add(w);
    w.once("exit", () => started.delete(w));
    const onStderr = how.onStderr ?? ((line: string) => passOn(line));
    if (w.stderr) {
      let partial = "";
      w.stderr.setEncoding("utf8");
      w.stderr.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop()!;
        for (const line of lines) onStderr(line, w);
      });
      w.stderr.on("end", () => partial && onStderr(partial, w));
      (w.stderr as unknown as { unref?(): void }).unref?.();
    }
  }
  return workers;
}

/** The parent pid of each process, from /proc (Linux), else from `ps`. */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  if (fs.existsSync("/proc/self/stat")) {
    for (const name of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // pid (comm) state ppid ...: comm may hold spaces and parentheses, so parse after its last ")".
        const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
        parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      } catch {
        // gone meanwhile
      }
    }
    return parents;
  }
  for (const line of execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    parents.set(pid!, ppid!);
  }
  return parents;
}

/** The descendants of `pid` (children, their children, ...). */
export function descendantsOf(pid: number): number[] {
  const parents = parentPids();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent === p && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Whether `pid` is a running process (not gone, not a zombie waiting to be reaped). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return !fs.existsSync("/proc/self/stat");
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs `pid` and all its descendants at once. The tree is frozen first (SIGSTOP, top down, until no new
 * descendant shows up), so that a supervisor cannot fork a replacement, nor a serving process notice its
 * supervisor's death, between the kills. Returns the pids killed.
 */
function killTree(pid: number | undefined): number[] {
  if (pid === undefined || !processRunning(pid)) return [];
  const tree = [pid];
  signal(pid, "SIGSTOP");
  for (;;) {
    const more = descendantsOf(pid).filter((p) => !tree.includes(p));
    if (more.length === 0) break;
    for (const p of more) {
      signal(p, "SIGSTOP");
      tree.push(p);
    }
  }
  for (const p of tree) signal(p, "SIGKILL");
  return tree;
}

/**
 * Kills a worker as a machine's crash would: the worker process and every process under it (a `sluice worker` is a
 * supervisor with its serving processes) with SIGKILL, none of them getting to say goodbye to the cluster.
 * Resolves once all of them are gone (a zombie counts as gone).
 */
export async function killWorker(worker: ChildProcess): Promise<void> {
  const exited = worker.exitCode !== null || worker.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => worker.once("exit", () => r()));
  const tree = killTree(worker.pid);
  await exited;
  const deadline = Date.now() + 10_000;
  while (tree.some(processRunning)) {
    if (Date.now() > deadline) throw new Error(`killWorker: processes ${tree.filter(processRunning).join(", ")} still run 10 s after SIGKILL`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a worker started by {@link startWorkers} is still running (its supervisor). */
export function workerRunning(worker: ChildProcess): boolean {
  return worker.exitCode === null && worker.signalCode === null;
}

/**
 * Waits until the cluster's worker registry holds exactly `count` live entries (put within the liveness timeout)
 * and each of them is a serving process that still runs on this machine: workers just started have registered, and
 * killed ones (whose entries nobody deleted) have gone stale, so that the next job's slots are bound to the
 * workers that really serve it, and its retries come from what happens during its run.
 */
export async function waitForWorkers(options: NatsTestOptions, count: number, timeoutMs = 60_000): Promise<void> {
  const nc = await connect({ servers: options.servers.split(","), user: options.user, pass: options.password });
  try {
    const deadline = Date.now() + timeoutMs;
    let seen = "no registry";
    for (;;) {
      try {
        const kv = await new Kvm(nc).open(WORKERS_BUCKET);
        const live: WorkerEntry[] = [];
        for await (const key of await kv.keys()) {
          const e = await kv.get(key);
          if (e?.operation === "PUT" && Date.now() - e.created.getTime() < WORKER_LOST_MS) live.push(e.json<WorkerEntry>());
        }
        seen = live.map((w) => `${w.id}${processRunning(w.pid) ? "" : " (gone)"}`).join(", ") || "none";
        if (live.length === count && live.every((w) => processRunning(w.pid))) return;
      } catch (e) {
        seen = (e as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`waitForWorkers: not ${count} live workers after ${timeoutMs} ms (live: ${seen})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/**
 * Runs `sluice run <pipeline> --runner nats` against `cluster` as a user runs it, in a process of its own, with
 * `args` after; resolves with its exit code and its stderr.
 */
export async function runPipelineOn(cluster: NatsCluster, pipeline: string, args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const argv = [BIN, "run", pipeline, "--runner", "nats", "--servers", cluster.servers.join(","), "--user", cluster.user, ...args];
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SLUICE_NATS_PASSWORD: cluster.password } });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stderr };
}

/** The options a job needs to run on `cluster`. */
export function optionsOf(cluster: NatsCluster): NatsTestOptions {
  return { servers: cluster.servers.join(","), user: cluster.user, password: cluster.password };
}

/**
 * A cluster of the calling test file's own (for a test that needs its streams or its workers to itself): started
 * in a `before` hook, which skips the file where nats-server is missing, and stopped in an `after` hook. Returns
 * a getter for it, to call from the file's tests and later hooks.
 */
export function privateNats(how: NatsClusterOptions): () => NatsCluster {
  let cluster: NatsCluster | undefined;
  before(async function () {
    if (natsUnavailable()) this.skip();
    cluster = await startNatsCluster(how);
  });
  after(async () => cluster?.stop());
  return () => {
    if (!cluster) throw new Error("privateNats: the cluster is used before its before hook ran");
    return cluster;
  };
}

/** The subjects of jobs' messages left in the shared streams of the cluster `options` names. */
export async function leftSubjects(options: NatsTestOptions): Promise<string[]> {
  const nc = await connect({ servers: options.servers.split(","), user: options.user, pass: options.password });
  try {
    const jsm = await jetstreamManager(nc);
    const subjects: string[] = [];
    for (const stream of ["SLUICE_WORK", "SLUICE_DATA"]) {
      const info = await jsm.streams.info(stream, { subjects_filter: "sluice.>" });
      subjects.push(...Object.keys(info.state.subjects ?? {}));
    }
    return subjects;
  } finally {
    await nc.close();
  }
}

/** The shared cluster with its three workers. */
export function sharedNats(): Promise<{ cluster: NatsCluster; options: NatsTestOptions; workers: ChildProcess[] }> {
  shared ??= (async () => {
    const cluster = await startNatsCluster({ nodes: 3 });
    const options = optionsOf(cluster);
    const workers = startWorkers(options, 3);
    process.once("exit", () => void cluster.stop());
    return { cluster, options, workers };
  })();
  return shared;
}

/** Stops the shared cluster and every worker, if they were started (the test run's end: nothing may keep it alive). */
export async function stopSharedNats(): Promise<void> {
  for (const w of started) killTree(w.pid);
  const running = shared;
  shared = undefined;
  if (running) await (await running.catch(() => undefined))?.cluster.stop();
}

/** Options for a conformance run on `nats`: the shared cluster and its workers. */
export async function natsRunOptions(): Promise<NatsTestOptions & { workerWait: number; parallelism: number }> {
  const { options } = await sharedNats();
  return { ...options, workerWait: 30, parallelism: 3 };
}
