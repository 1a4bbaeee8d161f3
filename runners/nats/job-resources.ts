/**
 * What the NATS runner keeps in the cluster, and its names. The streams, buckets and consumers are shared by
 * every job (made once, by whichever coordinator or worker comes first), so that a job starts in milliseconds
 * instead of waiting for replicated streams to be created; each job's messages are under subjects of its own
 * (`sluice.<job>.…`) and are purged when it ends, or, when its coordinator died, by the next job that finds it
 * stale. Jobs of users who must not see each other's data belong in different NATS accounts, which do not share
 * streams at all.
 *
 * ```
 *  KV  sluice_jobs      <job>    → JobEntry (code object, versions), put again every second by the coordinator
 *  KV  sluice_workers   <worker> → WorkerEntry, put again every second by each worker (liveness)
 *  stream SLUICE_WORK  work queue   sluice.<job>.task.any          tasks any worker may take (consumer "any")
 *                                   sluice.<job>.task.w.<worker>   tasks for one worker: its key groups (consumer "w-<worker>")
 *  stream SLUICE_DATA  limits       sluice.<job>.data.<writer>.<n>.<i>.<chunk>   blobs (shuffle, bundles, checkpoints)
 *                                   sluice.<job>.result.<task>     a task's result, for the job's coordinator
 *  object store sluice_code         code bundles, named by their SHA-256
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import { AckPolicy, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { TimeoutError, type NatsConnection } from "@nats-io/transport-node";
import { retryThroughFailover } from "./failover-retry.js";

/** The job registry's bucket. */
export const JOBS_BUCKET = "sluice_jobs";
/** The worker registry's bucket. */
export const WORKERS_BUCKET = "sluice_workers";
/** How often coordinators and workers put their registry entries again. */
export const HEARTBEAT_MS = 1000;
/** A worker whose entry is older than this is presumed dead (its tasks are retried elsewhere). */
export const WORKER_LOST_MS = 5000;
/** A job whose entry is older than this lost its coordinator: a later job removes its streams. */
export const JOB_STALE_MS = 60_000;
/** How long a task may go without a progress heartbeat before JetStream redelivers it to another worker. */
export const TASK_ACK_WAIT_MS = 10_000;

/** A job in the registry. */
export interface JobEntry {
  readonly id: string;
  /** The code bundle: its object (named by its hash) in the job's code bucket. */
  readonly code: { readonly bucket: string; readonly name: string; readonly sha256: string };
  /** The coordinator's Sluice version: a worker with another one refuses the job. */
  readonly sluiceVersion: string;
  /** The pipeline module's URL on the coordinator's machine (its identity: the bundle stands in for it). */
  readonly pipelineUrl: string;
  readonly host: string;
}

/** A worker in the registry. */
export interface WorkerEntry {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly sluiceVersion: string;
}

/** The work stream (tasks). */
export const WORK_STREAM = "SLUICE_WORK";
/** The data stream (blobs and results). */
export const DATA_STREAM = "SLUICE_DATA";
const DATA_SUBJECTS = ["sluice.*.data.>", "sluice.*.result.>"];
/** The code bundles' object store. */
export const CODE_BUCKET = "sluice_code";
/** JetStream's bound on deliveries of a shared task; jobs' own --maxAttempts are checked by the workers. */
export const MAX_DELIVER = 20;
/** The consumer of tasks any worker may take. */
export const ANY_CONSUMER = "any";

/** The consumer a worker reads its own tasks with. */
export function workerConsumer(worker: string): string {
  return `w-${worker}`;
}

/** The names of one job's subjects. */
export class JobNames {
  readonly workStream = WORK_STREAM;
  readonly dataStream = DATA_STREAM;
  readonly anyTasks: string;
  /** The subjects of the job's results (`resultOf` each task). */
  readonly results: string;

  constructor(readonly id: string) {
    if (!/^[a-z0-9]+$/.test(id)) throw new Error(`internal: bad job id ${id}`);
    this.anyTasks = `sluice.${id}.task.any`;
    this.results = `sluice.${id}.result.>`;
  }

  /** The subject of one task's result. */
  resultOf(taskId: string): string {
    return `sluice.${this.id}.result.${taskId}`;
  }

  /** The subject of this job's tasks for one worker. */
  tasksFor(worker: string): string {
    return `sluice.${this.id}.task.w.${worker}`;
  }

  /** The subject prefix of a worker's blobs. */
  dataPrefix(worker: string): string {
    return `sluice.${this.id}.data.${worker}`;
  }
}

/** A new job id: 12 random hex digits (a subject token and part of stream names). */
export function newJobId(): string {
  return randomBytes(6).toString("hex");
}

/** A worker id: host, pid and a random part, as one subject token. */
export function newWorkerId(host: string): string {
  return `${host.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/**
 * How long a request that makes (or looks up) one of the cluster's shared resources is retried after timing out:
 * a cluster just started, or busy, can take longer than the client's 5 s to form a replicated stream's group,
 * and several processes (a run and its workers) ask for the same resources at once. Every such request is
 * idempotent: a retry finds what the timed-out one made.
 */
const SETUP_RETRY_MS = 60_000;

/** `make()`, tried again while it times out, for up to {@link SETUP_RETRY_MS}. */
export function setUpThroughTimeouts<T>(make: () => Promise<T>): Promise<T> {
  return retryThroughFailover(make, (e) => (e instanceof TimeoutError ? SETUP_RETRY_MS : 0), 500);
}

/** The registries, created when missing. */
export async function registries(nc: NatsConnection, replicas: number): Promise<{ jobs: KV; workers: KV }> {
  const kvm = new Kvm(nc);
  const jsm = await jetstreamManager(nc);
  // Opening does not check that the bucket exists; creating an existing one costs a replicated update.
  const bucket = (name: string, ttl: number) =>
    setUpThroughTimeouts(() =>
      jsm.streams.info(`KV_${name}`).then(
        () => kvm.open(name),
        () => kvm.create(name, { replicas, history: 1, ...(ttl > 0 ? { ttl } : {}) }),
      ),
    );
  const [jobs, workers] = await Promise.all([bucket(JOBS_BUCKET, 0), bucket(WORKERS_BUCKET, 10 * WORKER_LOST_MS)]);
  return { jobs, workers };
}

/** Stream replicas: 3 (or `requested`) on a cluster, 1 on a single server. */
export function replicasFor(nc: NatsConnection, requested: number | undefined): number {
  if (requested !== undefined) return requested;
  return nc.info?.cluster ? 3 : 1;
}

/** Creates the shared streams and the "any" consumer when missing. */
export async function ensureStreams(jsm: JetStreamManager, replicas: number): Promise<void> {
  const exists = (name: string) =>
    jsm.streams.info(name).then(
      () => true,
      () => false,
    );
  const create = (cfg: Parameters<JetStreamManager["streams"]["add"]>[0]) =>
    setUpThroughTimeouts(() =>
      jsm.streams.add(cfg).catch(async (e) => {
        if (!(await exists(cfg.name))) throw e; // another process made it meanwhile (or the timed-out try did): fine
      }),
    );
  await Promise.all([
    exists(WORK_STREAM).then((ok) =>
      ok ? undefined : create({ name: WORK_STREAM, subjects: ["sluice.*.task.>"], retention: RetentionPolicy.Workqueue, storage: StorageType.File, num_replicas: replicas }),
    ),
    jsm.streams.info(DATA_STREAM).then(
      // A stream made by an older Sluice, whose results had one subject per job, takes the new subjects.
      (info) => (DATA_SUBJECTS.every((s) => info.config.subjects?.includes(s)) ? undefined : jsm.streams.update(DATA_STREAM, { subjects: DATA_SUBJECTS }).then(() => undefined)),
      () =>
        create({
            name: DATA_STREAM,
            subjects: DATA_SUBJECTS,
            retention: RetentionPolicy.Limits,
            storage: StorageType.File,
            num_replicas: replicas,
            duplicate_window: 120 * 1e9,
          }),
    ),
  ]);
  const consumer = await jsm.consumers.info(WORK_STREAM, ANY_CONSUMER).catch(() => undefined);
  if (!consumer) {
    await jsm.consumers
      .add(WORK_STREAM, {
        durable_name: ANY_CONSUMER,
        filter_subject: "sluice.*.task.any",
        ack_policy: AckPolicy.Explicit,
        ack_wait: TASK_ACK_WAIT_MS * 1e6,
        // A backstop: a worker refuses a delivery past its job's --maxAttempts (see nats-worker.ts).
        max_deliver: MAX_DELIVER,
        max_ack_pending: 10_000,
      })
      .catch(async (e) => {
        if (!(await jsm.consumers.info(WORK_STREAM, ANY_CONSUMER).catch(() => undefined))) throw e;
      });
  }
}

/** Purges a job's messages from the shared streams. Never rejects. */
export async function deleteJobResources(jsm: JetStreamManager, names: JobNames): Promise<void> {
  await Promise.all([WORK_STREAM, DATA_STREAM].map((s) => jsm.streams.purge(s, { filter: `sluice.${names.id}.>` }).catch(() => undefined)));
}

/**
 * Removes jobs whose coordinator stopped putting their entry (it died): their messages and entry. A job that is
 * still running puts its entry every second, so it is never taken for stale.
 */
export async function removeStaleJobs(jsm: JetStreamManager, jobs: KV, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const keys = await jobs.keys();
  for await (const key of keys) {
    const entry = await jobs.get(key);
    if (!entry || entry.operation !== "PUT") continue;
    if (now - entry.created.getTime() < JOB_STALE_MS) continue;
    await deleteJobResources(jsm, new JobNames(key));
    await jobs.purge(key).catch(() => undefined);
    removed.push(key);
  }
  return removed;
}
