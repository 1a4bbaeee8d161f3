/**
 * A serving process of `sluice worker`: it takes tasks from two consumers of the shared work stream: "any" (reads,
 * bundles: whichever worker is free, of any job) and its own (the key groups coordinators gave it). The first
 * task of a job makes the worker fetch the job's code (`code-bundle.ts`) and set up a runtime for it. A task's
 * message is acknowledged once its result is in the data stream; a worker that dies mid-task has it redelivered
 * elsewhere, at most the job's `--maxAttempts` times. Tasks run one at a time, in the runtime the other parallel
 * runners' workers use (`worker-runtime.ts`), with blobs in the data stream (`stream-blobs.ts`).
 *
 * What a process blocked by user code cannot do for itself, its supervisor (`worker-supervisor.ts`) does from
 * what this process reports over IPC: the registry entry (liveness), progress heartbeats, and stopping a task
 * that runs past its deadline.
 * @module
 */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { cleanUpRunDir, makePrivateDir, removeStaleDirs, setRunDir } from "../../sdk/files/private-dir.js";
import { rollBackCommit } from "../../sdk/files/file-commit.js";
import { sluiceVersion } from "../cli/version.js";
import { WorkerRuntime } from "../shared/worker-runtime.js";
import { parallelOptions } from "../shared/parallel-options.js";
import { taskDeadlineMs } from "../shared/hung-tasks.js";
import type { TaskEnvelope, TaskResult } from "../shared/protocol.js";
import { connectNats } from "./connect.js";
import { fetchCodeBundle, installCodeBundle } from "./code-bundle.js";
import {
  ANY_CONSUMER,
  deleteJobResources,
  ensureStreams,
  JobNames,
  newWorkerId,
  registries,
  replicasFor,
  TASK_ACK_WAIT_MS,
  WORK_STREAM,
  workerConsumer,
  type JobEntry,
} from "./job-resources.js";
import type { NatsConnectionOptions } from "./nats-options.js";
import { describeRefusal, isRefusal, packMessage, publishDurably, StreamBlobs, unpackMessage } from "./stream-blobs.js";
import { errorResult, takenSubject, type ResultMessage, type TaskMessage } from "./task-messages.js";
import type { ServingReport } from "./worker-supervisor.js";

/** What `sluice worker` is started with. */
export interface WorkerOptions extends NatsConnectionOptions {
  /** Where this worker keeps each job's temporary files (spill, sinks' private directories). */
  tempDir: string;
  /** The grouping budget (MiB) of each serving process, whose heap is capped at it plus an overhead. */
  memoryMb: number;
  /** Stream replicas for the registries and streams, when this worker creates them. */
  replicas?: number;
}

const TRACE = process.env.SLUICE_NATS_TRACE !== undefined;

/** How often a worker looks whether the jobs it served have ended. */
const JOB_CHECK_MS = 5000;

/** How run directories of jobs on a worker are named under its --tempDir. */
const RUN_DIR_PREFIX = "sluice-natsjob-";

/**
 * Where a delivery's acknowledgements go (its reply subject), for the supervisor's progress heartbeats. The
 * client's message class has it; its type does not declare it.
 */
function ackSubjectOf(msg: JsMsg): string {
  const reply = (msg as JsMsg & { readonly reply?: unknown }).reply;
  if (typeof reply !== "string" || reply === "") throw new Error("a JetStream delivery without its reply subject (an incompatible @nats-io/jetstream?)");
  return reply;
}

/** One job as this worker serves it. */
class ServedJob {
  readonly names: JobNames;
  readonly blobs: StreamBlobs;
  private readonly runtime: WorkerRuntime;
  private readonly runDir: string;
  /** Why this worker cannot run the job's tasks (code missing, other version): every task is answered with it. */
  private refusal: string | undefined;
  private ready: Promise<void> | undefined;
  /** Tasks this worker has started, and whether they finished (a redelivery of one of them is not run again). */
  readonly started = new Map<string, "running" | "done">();

  constructor(
    private readonly worker: Worker,
    readonly entry: JobEntry,
  ) {
    this.names = new JobNames(entry.id);
    this.blobs = new StreamBlobs(worker.js, worker.jsm, this.names.dataStream, this.names.dataPrefix(worker.id), worker.maxPayload);
    // The job's run directory is the worker's own, not registered with another job's.
    setRunDir(undefined);
    this.runDir = makePrivateDir(worker.tempDir, RUN_DIR_PREFIX);
    this.runtime = new WorkerRuntime(this.blobs, { spillDir: () => path.join(this.runDir, "spill"), maxMemoryMb: worker.memoryMb });
  }

  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      if (this.entry.sluiceVersion !== this.worker.version) {
        this.refusal = `worker ${this.worker.id} runs Sluice ${this.worker.version}, but the job was started with Sluice ${this.entry.sluiceVersion}: install the same version on every worker`;
        return;
      }
      try {
        const code = await fetchCodeBundle(() => new Objm(this.worker.nc).open(this.entry.code.bucket), this.entry.code.name);
        installCodeBundle(code, this.entry.code.sha256, this.entry.pipelineUrl);
      } catch (e) {
        this.refusal = `worker ${this.worker.id} cannot load the job's code: ${(e as Error).message}`;
      }
    })();
    return this.ready;
  }

  /** Runs one task and publishes its result. */
  async run(taskId: string, envelope: TaskEnvelope): Promise<void> {
    await this.prepare();
    let result: TaskResult;
    if (this.refusal !== undefined) result = errorResult(this.refusal);
    else {
      setRunDir(this.runDir);
      result = await this.runtime.run(envelope);
    }
    // The job's last task here: its files go before it is answered, so that the job ends with them gone.
    if (envelope.task.kind === "teardown") this.stop();
    await this.reply(taskId, result);
  }

  async reply(taskId: string, result: TaskResult): Promise<void> {
    const packed = packMessage({ taskId, worker: this.worker.id, result } satisfies ResultMessage);
    let body = packed;
    if (packed.byteLength > this.worker.maxPayload - 16 * 1024) {
      const resultBlob = this.blobs.put(packMessage(result));
      await this.blobs.commit();
      body = packMessage({ taskId, worker: this.worker.id, resultBlob } satisfies ResultMessage);
    }
    await publishDurably(this.worker.js, this.names.resultOf(taskId), body, `${this.names.id}/${taskId}/${this.worker.id}`);
  }

  /** Answers on core NATS only (at most once: heard by the coordinator if it is connected). */
  replyUnstored(taskId: string, result: TaskResult): void {
    this.worker.nc.publish(this.names.resultOf(taskId), packMessage({ taskId, worker: this.worker.id, result } satisfies ResultMessage));
  }

  /** The job ended: remove its files (its DoFns were torn down by the coordinator's teardown task, unless it died). */
  stop(): void {
    cleanUpRunDir(this.runDir, (dir) => void rollBackCommit(dir));
  }
}

/** A connected worker. */
class Worker {
  readonly id: string;
  readonly version = sluiceVersion();
  readonly maxPayload: number;
  private closing = false;
  private readonly jobs = new Map<string, ServedJob>();
  /** Jobs that ended (their late tasks are dropped). */
  private readonly ended = new Set<string>();
  /** Jobs whose registry entry is gone: their coordinator ended them and purged their messages. */
  private readonly gone = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private loops: Promise<void>[] = [];

  constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly registry: { jobs: KV; workers: KV },
    readonly tempDir: string,
    /** The grouping budget of this process (`sluice worker --memoryMb`). */
    readonly memoryMb: number,
    readonly log: (line: string) => void,
    private readonly report: (r: ServingReport) => void,
  ) {
    this.id = newWorkerId(os.hostname());
    this.maxPayload = nc.info?.max_payload ?? 1024 * 1024;
  }

  async start(): Promise<void> {
    await this.jsm.consumers.add(WORK_STREAM, {
      durable_name: workerConsumer(this.id),
      filter_subject: `sluice.*.task.w.${this.id}`,
      ack_policy: AckPolicy.Explicit,
      ack_wait: TASK_ACK_WAIT_MS * 1e6,
      // Forgotten by the server when this worker is gone (a coordinator that sees it lost deletes it sooner).
      inactive_threshold: 10 * 60 * 1e9,
    });
    this.report({ kind: "ready", id: this.id });
    this.loops = [this.serve(ANY_CONSUMER), this.serve(workerConsumer(this.id))];
    void this.watchJobs();
  }

  /**
   * Forgets jobs that left the registry without tearing down here (their coordinator died, or this worker missed
   * the teardown), looking every few seconds with direct gets: a watch (an ordered consumer, one replica) would
   * stall for as long as its server is down.
   */
  private async watchJobs(): Promise<void> {
    while (!this.closing) {
      await new Promise((r) => setTimeout(r, JOB_CHECK_MS).unref());
      for (const id of [...this.jobs.keys()]) {
        const entry = await this.registry.jobs.get(id).catch(() => undefined);
        if (entry === undefined || this.closing) continue; // the cluster did not answer: ask again later
        if (entry === null || entry.operation !== "PUT") {
          this.gone.add(id);
          await this.enqueue(async () => this.forget(id)?.stop());
          void deleteJobResources(this.jsm, new JobNames(id));
        }
      }
    }
  }

  /** Drops a job that ended (its late tasks are acknowledged unrun); returns it. */
  private forget(id: string): ServedJob | undefined {
    this.ended.add(id);
    const served = this.jobs.get(id);
    this.jobs.delete(id);
    return served;
  }

  /**
   * A result answered after its job ended (a task still running when the job failed, a teardown its coordinator
   * stopped waiting for) lands after the coordinator purged the job's messages: it is purged again here. A job this
   * worker still serves is looked at every few seconds (`watchJobs`); the teardown is its last task here, so after
   * answering it the registry is asked once.
   */
  private async purgeIfGone(id: string, ask: boolean): Promise<void> {
    if (ask && !this.gone.has(id)) {
      const entry = await this.registry.jobs.get(id).catch(() => undefined);
      if (entry === null || (entry !== undefined && entry.operation !== "PUT")) this.gone.add(id);
    }
    if (this.gone.has(id)) await deleteJobResources(this.jsm, new JobNames(id));
  }

  /** Tasks of every job run one at a time: the run directory and the runtime's outputs are per process. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async serve(consumerName: string): Promise<void> {
    const consumer = await this.js.consumers.get(WORK_STREAM, consumerName);
    while (!this.closing) {
      let msg: JsMsg | null;
      try {
        msg = await consumer.next({ expires: 5000 });
      } catch {
        if (this.closing) return;
        await new Promise((r) => setTimeout(r, 250)); // a server failed over: ask again
        continue;
      }
      if (msg) await this.enqueue(() => this.handle(msg!));
    }
  }

  private async job(id: string): Promise<ServedJob | undefined> {
    if (this.ended.has(id)) return undefined;
    let served = this.jobs.get(id);
    if (served) return served;
    const entry = await this.registry.jobs.get(id);
    if (!entry || entry.operation !== "PUT") return undefined;
    served = new ServedJob(this, JSON.parse(entry.string()) as JobEntry);
    this.jobs.set(id, served);
    return served;
  }

  private async handle(msg: JsMsg): Promise<void> {
    let served: ServedJob | undefined;
    let taskId: string | undefined;
    try {
      const message = unpackMessage<TaskMessage>(msg.data);
      served = await this.job(message.job);
      if (!served) return msg.ack(); // the job is over
      taskId = message.taskId;
      const seen = served.started.get(taskId);
      if (seen === "done") msg.ack(); // its acknowledgement was lost: the result is in the stream
      if (seen !== undefined) return; // redelivered while this worker runs it: its result comes
      served.started.set(taskId, "running");
      this.nc.publish(takenSubject(served.names.id), packMessage({ taskId, worker: this.id }));
      const envelope = message.envelope ?? unpackMessage<TaskEnvelope>(await served.blobs.read(message.envelopeBlob!));
      if (TRACE) this.log(`${message.job}/${taskId} ${envelope.task.kind} delivery ${msg.info.deliveryCount}`);
      this.report({ kind: "task", job: message.job, taskId, ackSubject: ackSubjectOf(msg), deadlineMs: taskDeadlineMs(envelope) });
      const maxAttempts = parallelOptions(envelope.job.options).maxAttempts;
      if (msg.info.deliveryCount > maxAttempts) {
        await served.reply(taskId, errorResult(`its worker was lost on each of ${maxAttempts} deliveries (--maxAttempts)`));
      } else {
        await served.run(taskId, envelope);
      }
      served.started.set(taskId, "done");
      if (envelope.task.kind === "teardown") this.forget(message.job);
      msg.ack();
      void this.purgeIfGone(message.job, envelope.task.kind === "teardown");
    } catch (e) {
      if (served && taskId !== undefined && isRefusal(e) && !this.closing) {
        // The cluster refused to store what the task wrote (its storage full, a message too large), for a minute of
        // retries: running it again cannot help. The answer goes on core NATS, as storing it may be refused too.
        const message = `a task's output was not stored: ${describeRefusal(e)}`;
        this.log(message);
        served.replyUnstored(taskId, errorResult(message));
        served.started.set(taskId, "done");
        msg.term();
        return;
      }
      if (!this.closing) this.log(`a task failed in transport: ${(e as Error).message}`);
      if (served && taskId !== undefined) served.started.delete(taskId);
      msg.nak(1000);
    } finally {
      this.report({ kind: "idle" });
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.registry.workers.delete(this.id).catch(() => undefined);
    await this.jsm.consumers.delete(WORK_STREAM, workerConsumer(this.id)).catch(() => false);
    for (const j of this.jobs.values()) j.stop();
    // The servers may be gone (a test cluster stopped, the network down): do not wait for them for long.
    const drained = this.nc.drain().catch(() => undefined);
    await Promise.race([Promise.allSettled([drained, ...this.loops]), new Promise((r) => setTimeout(r, 3000).unref())]);
  }
}

/**
 * Runs a serving process until SIGINT or SIGTERM, or until its supervisor goes (then it leaves the registry and
 * drains its connection). Reports to the supervisor over IPC. Resolves when it has stopped.
 */
export async function runWorker(options: WorkerOptions, log: (line: string) => void = (l) => console.error(`sluice worker: ${l}`)): Promise<void> {
  if (!process.send) throw new Error("a serving process of `sluice worker` is started by its supervisor (run `sluice worker`)");
  // Listened for from the start: a supervisor killed while this process starts must not leave it serving alone.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
    process.once("disconnect", () => resolve());
  });
  if (!process.connected) return;
  const report = (r: ServingReport) => void process.send?.(r, undefined, {}, () => undefined);
  fs.mkdirSync(options.tempDir, { recursive: true });
  removeStaleDirs(options.tempDir, RUN_DIR_PREFIX, (dir) => cleanUpRunDir(dir, (d) => void rollBackCommit(d)));
  const nc = await connectNats(options, `sluice-worker-${os.hostname()}-${process.pid}`);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const replicas = replicasFor(nc, options.replicas);
  const registry = await registries(nc, replicas);
  await ensureStreams(jsm, replicas);
  const worker = new Worker(nc, js, jsm, registry, options.tempDir, options.memoryMb, log, report);
  await worker.start();
  if (TRACE) log(`${worker.id} serving`);
  await stopped;
  await worker.close();
}
