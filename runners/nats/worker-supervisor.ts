/**
 * `sluice worker`'s own process: the supervisor of the processes that serve tasks (`nats-worker.ts`). It runs no
 * user code, so its event loop stays free while a DoFn busy-loops in a serving process, and it does for each of
 * them what a blocked process cannot do for itself:
 *
 * - **liveness**: it puts each serving process's worker-registry entry every second while the process lives, and
 *   deletes it the moment the process dies (coordinators then retry its tasks at once, not after 5 s of silence);
 * - **progress**: while a task runs it sends JetStream the task's progress acknowledgements (`+WPI`), so a long
 *   task is not redelivered to another worker;
 * - **hung tasks**: a task still running past its deadline (`--taskTimeout` of its job, plus the pools' grace) is
 *   terminated (`+TERM`: JetStream does not hand it to another worker) and its process killed; the job's
 *   coordinator fails the task as hung, naming its step, as the threads and process runners do;
 * - **memory**: each serving process's heap is capped at `--memoryMb` plus an overhead; one that runs out of it
 *   has its task answered with an error saying so (and what to raise) rather than lost;
 * - **restarts**: a serving process that exits (killed, out of memory, a crash) is replaced by a new one, with a
 *   new worker id (its key groups' state went with it; coordinators restore them elsewhere from checkpoints).
 *
 * ```
 *   sluice worker (supervisor) ──IPC: ready / task / idle──▶ serving process 1 … N ──tasks──▶ NATS
 *        └── registry entries, +WPI, +TERM ───────────────────────────────────────────────────▶ NATS
 * ```
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import type { KV } from "@nats-io/kv";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { sluiceVersion } from "../cli/version.js";
import { connectNats, serversOf } from "./connect.js";
import { heapLimitArgs, outOfMemoryMessage, passStderr, ranOutOfMemory } from "../shared/heap-limit.js";
import { HEARTBEAT_MS, JobNames, registries, replicasFor, WORK_STREAM, workerConsumer, type WorkerEntry } from "./job-resources.js";
import { packMessage, publishDurably } from "./stream-blobs.js";
import type { ResultMessage } from "./task-messages.js";
import type { WorkerOptions } from "./nats-worker.js";
import { stopChild } from "./stop-child.js";
import { SERVING_PROCESS_ENV } from "./nats-options.js";

/** What a serving process tells its supervisor. */
export type ServingReport =
  /** It registered its consumer and takes tasks as worker `id`. */
  | { readonly kind: "ready"; readonly id: string }
  /** It started a task: progress goes to `ackSubject`; past `deadlineMs` (0: never) it is presumed hung. */
  | { readonly kind: "task"; readonly job: string; readonly taskId: string; readonly ackSubject: string; readonly deadlineMs: number }
  /** The task it ran has finished. */
  | { readonly kind: "idle" };

/** A serving process that lived shorter than this before it exited is restarted after a growing delay. */
const QUICK_EXIT_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** How long serving processes get to leave on SIGTERM before they are killed. */
const STOP_GRACE_MS = 5_000;

interface Serving {
  readonly process: ChildProcess;
  readonly startedAt: number;
  id?: string;
  task?: { readonly job: string; readonly taskId: string; readonly ackSubject: string; readonly deadlineAt: number };
  hung?: boolean;
}

/**
 * Starts `concurrency` serving processes and supervises them until SIGINT or SIGTERM (or, when started by a
 * coordinator for one run, until it goes). Resolves when every serving process has stopped.
 */
export async function superviseWorkers(options: WorkerOptions, concurrency: number, log: (line: string) => void = (l) => console.error(`sluice worker: ${l}`)): Promise<void> {
  const serving = new Set<Serving>();
  let stopping = false;
  let quickExits = 0;
  let registry: { readonly nc: NatsConnection; readonly workers: KV; readonly jsm: JetStreamManager } | undefined;

  const entryOf = (s: Serving): WorkerEntry => ({ id: s.id!, host: os.hostname(), pid: s.process.pid ?? 0, sluiceVersion: sluiceVersion() });
  const put = (s: Serving): void => {
    if (registry && s.id !== undefined && !s.hung) void registry.workers.put(s.id, JSON.stringify(entryOf(s))).catch(() => undefined);
  };
  /** The registry forgets a serving process that is gone (and its consumer goes with it). */
  const forget = (id: string): void => {
    if (!registry) return;
    void registry.workers.delete(id).catch(() => undefined);
    void registry.jsm.consumers.delete(WORK_STREAM, workerConsumer(id)).catch(() => undefined);
  };

  const start = (): void => {
    // The options travel in the environment, not the command line, so that a password never shows in `ps`.
    const env = { ...process.env, [SERVING_PROCESS_ENV]: JSON.stringify(options) };
    const child = fork(process.argv[1]!, ["worker"], {
      env,
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      execArgv: [...process.execArgv, ...heapLimitArgs(options.memoryMb)],
    });
    // Its stderr goes on to ours, but for V8's report of running out of heap: one line below says it.
    const stderr = passStderr(child.stderr!);
    const s: Serving = { process: child, startedAt: Date.now() };
    serving.add(s);
    child.on("message", (m: ServingReport) => {
      if (m.kind === "ready") {
        s.id = m.id;
        put(s);
      } else if (m.kind === "task") {
        s.task = { job: m.job, taskId: m.taskId, ackSubject: m.ackSubject, deadlineAt: m.deadlineMs > 0 ? Date.now() + m.deadlineMs : Infinity };
      } else s.task = undefined;
    });
    child.once("exit", (code, signal) => {
      serving.delete(s);
      if (ranOutOfMemory(stderr, code, signal)) {
        const message = outOfMemoryMessage(`worker ${s.id ?? `process ${child.pid}`}`, options.memoryMb, "the workers' --memoryMb", "the job's --parallelism");
        log(message);
        // Said to the job at once, with the cause: its failure (after its retries) names it.
        if (s.task && s.id !== undefined) failTask(s.id, s.task, message);
      }
      if (s.id !== undefined) forget(s.id);
      if (stopping) return;
      const lived = Date.now() - s.startedAt;
      quickExits = lived < QUICK_EXIT_MS && !s.hung ? quickExits + 1 : 0;
      const delay = quickExits === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** (quickExits - 1));
      if (!s.hung) log(`worker ${s.id ?? `process ${child.pid}`} exited (${signal ?? `code ${code}`}); starting another${delay > 0 ? ` in ${delay / 1000} s` : ""}`);
      setTimeout(() => stopping || start(), delay).unref();
    });
  };

  /** Tells a task's coordinator why its worker was lost, and takes it out of JetStream's redelivery (the coordinator retries it). */
  const failTask = (worker: string, task: NonNullable<Serving["task"]>, message: string): void => {
    if (!registry) return;
    const names = new JobNames(task.job);
    const body = packMessage({ taskId: task.taskId, worker, lost: message } satisfies ResultMessage);
    void publishDurably(jetstream(registry.nc), names.resultOf(task.taskId), body, `${names.id}/${task.taskId}/${worker}`).catch(() => undefined);
    registry.nc.publish(task.ackSubject, "+TERM");
  };

  /** Every second: entries put again, progress sent for running tasks, hung tasks' processes stopped. */
  const tick = (): void => {
    const now = Date.now();
    for (const s of serving) {
      put(s);
      const task = s.task;
      if (!task || !registry) continue;
      if (now < task.deadlineAt) {
        registry.nc.publish(task.ackSubject, "+WPI");
        continue;
      }
      if (s.hung) continue;
      s.hung = true;
      log(`worker ${s.id} ran task ${task.taskId} of job ${task.job} past its deadline (--taskTimeout): stopped, starting another`);
      // Not handed to another worker, which would hang the same way: the job's coordinator fails it as hung.
      registry.nc.publish(task.ackSubject, "+TERM");
      s.process.kill("SIGKILL"); // its exit takes it out of the registry
    }
  };

  for (let i = 0; i < concurrency; i++) start();
  try {
    const nc = await connectNats(options, `sluice-worker-supervisor-${os.hostname()}-${process.pid}`);
    const { workers } = await registries(nc, replicasFor(nc, options.replicas));
    registry = { nc, workers, jsm: await jetstreamManager(nc) };
  } catch (e) {
    stopping = true;
    for (const s of serving) s.process.kill("SIGKILL");
    throw e;
  }
  const timer = setInterval(tick, HEARTBEAT_MS);
  log(`serving jobs from ${serversOf(options)} with ${concurrency} process${concurrency > 1 ? "es" : ""}`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    // Workers started by a coordinator for one run (--localWorkers) go with it.
    if (process.send) process.once("disconnect", stop);
  });
  stopping = true;
  clearInterval(timer);
  await Promise.all([...serving].map((s) => stopChild(s.process, STOP_GRACE_MS)));
  const { nc } = registry;
  await Promise.race([nc.drain().catch(() => undefined), new Promise((r) => setTimeout(r, 3000).unref())]);
}
