/**
 * The NATS runner's transport on the coordinator's side: a {@link WorkerPool} whose slots are bound to workers in
 * the cluster's worker registry. A group task (and teardown) goes to the subject of the worker its slot is bound
 * to, where its key group's state lives; any other task goes to the shared subject, taken by whichever worker is
 * free (so a worker that joins mid-run takes work at once). Each result is stored in the data stream under its
 * task's subject; the pool reads results as they are published and looks one up in the stream when it is late.
 * Nothing here reads through a JetStream consumer: the client's ordered consumers (watches, object reads) have
 * one replica and stall while their server is down, and creating a replicated one fails half the time while a
 * server of the cluster is down (nats-server 2.9); core subscriptions and direct gets fail over at once.
 *
 * A worker is lost when its registry entry goes stale: its slots are bound to live workers, its pending tasks
 * fail with {@link WorkerLostError} (the coordinator retries them, restoring key groups from their checkpoints),
 * and its subject is purged. A shared task whose worker dies is also redelivered by JetStream after the ack wait;
 * whichever attempt answers first is taken, later answers are ignored.
 * @module
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection, Subscription } from "@nats-io/transport-node";
import type { TaskEnvelope, TaskResult, BlobRef } from "../shared/protocol.js";
import { WorkerLostError, type WorkerPool } from "../shared/worker-pool.js";
import { hungTaskResult, taskDeadlineMs } from "../shared/hung-tasks.js";
import { ANY_CONSUMER, HEARTBEAT_MS, WORKER_LOST_MS, WORKERS_BUCKET, workerConsumer, type JobNames } from "./job-resources.js";
import { describeRefusal, isRefusal, packMessage, publishDurably, StreamBlobs, unpackMessage } from "./stream-blobs.js";
import { takenSubject, type ResultMessage, type TakenMessage, type TaskMessage } from "./task-messages.js";

interface Pending {
  readonly envelope: TaskEnvelope;
  resolve(result: TaskResult): void;
  reject(error: Error): void;
  /** The worker running it: the bound worker, or the one that said it took a shared task. */
  worker?: string;
  readonly bound: boolean;
  /** When a worker said it took the task; past its deadline from then the task is presumed hung. */
  takenAt?: number;
  /** When it was stored in the work stream, and when its result was last looked for in the data stream. */
  sentAt?: number;
  polledAt?: number;
  hungTimer?: NodeJS.Timeout;
}

/** How a pool starts. */
export interface PoolStart {
  /** Slots (default: one per live worker). */
  readonly parallelism: number | undefined;
  /** How long to wait for workers at the start, and for any live worker later, in ms. */
  readonly waitMs: number;
  readonly minWorkers: number;
  readonly log: (line: string) => void;
}

/** What the pool works with. */
export interface NatsPoolContext {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: JobNames;
}

/** A lost worker's task this close to its deadline was stopped as hung by the worker's supervisor (its clock is a tick behind). */
const HUNG_SLACK_MS = 2000;
/** How often the stream is asked for the result of a task that has not answered. */
const RESULT_POLL_MS = 5000;

export class NatsWorkerPool implements WorkerPool {
  readonly size: number;
  /** Coordinator-side blobs (task envelopes too large for a message), and releasing workers' blobs. */
  readonly blobs: StreamBlobs;
  private readonly slots: string[];
  private readonly pending = new Map<string, Pending>();
  private readonly bySeq = new Map<number, string>();
  /** Every worker that ran a task of this job (they all get the teardown task). */
  private readonly used = new Set<string>();
  private nextTask = 0;
  private noWorkersSince: number | undefined;
  /** When this coordinator's connection last came back (the registry puts published meanwhile were missed). */
  private reconnectedAt = 0;
  private closed = false;
  private readonly subscriptions: Subscription[] = [];
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly ctx: NatsPoolContext,
    /** When each worker's registry entry was last seen put (0: deleted). */
    private readonly live: Map<string, number>,
    parallelism: number | undefined,
    private readonly waitMs: number,
    /** The subscription that fills `live`. */
    registry: Subscription,
  ) {
    this.subscriptions.push(registry);
    this.blobs = new StreamBlobs(ctx.js, ctx.jsm, ctx.names.dataStream, ctx.names.dataPrefix("coordinator"), ctx.nc.info?.max_payload ?? 1024 * 1024);
    const workers = this.liveWorkers();
    const size = parallelism ?? workers.length;
    this.size = size;
    this.slots = Array.from({ length: size }, (_, i) => workers[i % workers.length]!);
    this.timer = setInterval(() => {
      this.checkWorkers();
      this.pollResults(false);
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /**
   * Watches the worker registry, waits up to `waitMs` for `minWorkers` live workers and binds `parallelism` slots
   * (default: one per live worker) to the live workers.
   */
  static async start(ctx: NatsPoolContext, how: PoolStart): Promise<NatsWorkerPool> {
    const { parallelism, waitMs, minWorkers, log } = how;
    // When each worker's registry entry was last put (seen here: no clock of another machine is compared). The puts
    // (every second) are read as they are published, from a core subscription, not a watch: a watch is an ordered
    // consumer with one replica, which stalls for as long as its server is down.
    const live = new Map<string, number>();
    const registry = ctx.nc.subscribe(`${REGISTRY_PREFIX}>`, {
      callback: (err, msg) => {
        if (!err) live.set(workerOf(msg.subject), isDeletion(msg.headers) ? 0 : Date.now());
      },
    });
    // The workers registered already, so that the slots are bound to all of them, not to the first one heard.
    for (const [worker, at] of await registeredWorkers(ctx.jsm)) if (!live.has(worker)) live.set(worker, at);
    const enoughLive = () => [...live.values()].filter((t) => Date.now() - t < WORKER_LOST_MS).length >= minWorkers;
    const deadline = Date.now() + waitMs;
    const hint = setTimeout(() => log("waiting for workers (start some with: sluice worker --servers ...)"), Math.min(2000, waitMs));
    try {
      while (!enoughLive()) {
        if (Date.now() >= deadline) {
          throw new Error(
            `${minWorkers > 1 ? `fewer than ${minWorkers} Sluice workers` : "no Sluice worker"} connected to the cluster within ${Math.round(waitMs / 1000)} s ` +
              "(see --workerWait; start workers with `sluice worker --servers ...` or run with --localWorkers N)",
          );
        }
        await sleep(50);
      }
    } catch (e) {
      registry.unsubscribe();
      throw e;
    } finally {
      clearTimeout(hint);
    }
    const pool = new NatsWorkerPool(ctx, live, parallelism, waitMs, registry);
    pool.listen();
    return pool;
  }

  private isLive(worker: string): boolean {
    const at = this.live.get(worker);
    return at !== undefined && Date.now() - at < WORKER_LOST_MS;
  }

  private liveWorkers(): string[] {
    return [...this.live.keys()].filter((w) => this.isLive(w)).sort();
  }

  private listen(): void {
    const { nc, names } = this.ctx;
    this.subscriptions.push(
      nc.subscribe(takenSubject(names.id), {
        callback: (err, msg) => {
          if (err) return;
          const taken = unpackMessage<TakenMessage>(msg.data);
          this.used.add(taken.worker);
          const p = this.pending.get(taken.taskId);
          if (!p) return;
          if (!p.bound) p.worker = taken.worker;
          this.watchHung(taken.taskId, p);
        },
      }),
      nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${names.workStream}.${ANY_CONSUMER}`, {
        callback: (err, msg) => {
          if (err) return;
          const advisory = msg.json<{ stream_seq: number; deliveries: number }>();
          const taskId = this.bySeq.get(advisory.stream_seq);
          if (taskId === undefined) return;
          this.settle(taskId)?.reject(new Error(`JetStream delivered it ${advisory.deliveries} times and its worker was lost each time`));
        },
      }),
      nc.subscribe(names.results, {
        callback: (err, msg) => {
          if (!err) void this.onResult(msg.data);
        },
      }),
    );
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type !== "reconnect") continue;
        this.reconnectedAt = Date.now();
        this.pollResults(true);
      }
    })();
  }

  /**
   * A task's result: read as it is published, or from the stream when that was missed (the core subscription
   * loses what is published while this coordinator reconnects).
   */
  private async onResult(data: Uint8Array): Promise<void> {
    const message = unpackMessage<ResultMessage>(data);
    if (!this.pending.has(message.taskId)) return; // a late answer of a task already answered or given up
    if (message.lost !== undefined) return this.settle(message.taskId)?.reject(new WorkerLostError(message.lost));
    try {
      const result = message.result ?? unpackMessage<TaskResult>(await this.blobs.read(message.resultBlob!));
      this.settle(message.taskId)?.resolve(result);
    } catch (e) {
      this.settle(message.taskId)?.reject(new WorkerLostError(`cannot read the result of a task: ${(e as Error).message}`));
    }
  }

  /** Looks in the stream for the results of tasks sent at least {@link RESULT_POLL_MS} ago (all of them after a reconnect). */
  private pollResults(all: boolean): void {
    const now = Date.now();
    for (const [taskId, p] of this.pending) {
      if (p.sentAt === undefined || (!all && now - (p.polledAt ?? p.sentAt) < RESULT_POLL_MS)) continue;
      p.polledAt = now;
      void this.ctx.jsm.streams.getMessage(this.ctx.names.dataStream, { last_by_subj: this.ctx.names.resultOf(taskId) }).then(
        (msg) => msg && this.onResult(msg.data),
        () => undefined, // none yet, or the stream is electing a leader: asked again later
      );
    }
  }

  private settle(taskId: string): Pending | undefined {
    const p = this.pending.get(taskId);
    this.pending.delete(taskId);
    clearTimeout(p?.hungTimer);
    return p;
  }

  /**
   * Times a task from when its worker took it: past its deadline it fails as hung, naming its step (the worker's
   * supervisor stops the task and replaces the process running it, as the other parallel runners' pools do).
   */
  private watchHung(taskId: string, p: Pending): void {
    p.takenAt = Date.now();
    clearTimeout(p.hungTimer);
    const deadline = taskDeadlineMs(p.envelope);
    if (deadline > 0) p.hungTimer = setTimeout(() => this.settle(taskId)?.resolve(hungTaskResult(p.envelope)), deadline).unref();
  }

  /** Whether `p` has run (nearly) as long as its deadline: its worker, now gone, was stopped for it. */
  private ranPastDeadline(p: Pending): boolean {
    const deadline = taskDeadlineMs(p.envelope);
    return deadline > 0 && p.takenAt !== undefined && Date.now() - p.takenAt >= deadline - HUNG_SLACK_MS;
  }

  async run(envelope: TaskEnvelope, slot: number): Promise<TaskResult> {
    const bound = envelope.task.kind === "group" || envelope.task.kind === "teardown";
    return this.send(envelope, bound ? this.slots[slot]! : undefined);
  }

  /** Sends a task to `worker`'s subject, or to the shared one. */
  private async send(envelope: TaskEnvelope, worker: string | undefined): Promise<TaskResult> {
    if (this.closed) throw new WorkerLostError("the pool is closed");
    const { js, names } = this.ctx;
    const taskId = `t${this.nextTask++}`;
    if (worker !== undefined) this.used.add(worker);
    let body = packMessage({ job: names.id, taskId, envelope } satisfies TaskMessage);
    if (body.byteLength > (this.ctx.nc.info?.max_payload ?? 1024 * 1024) - 16 * 1024) {
      const envelopeBlob: BlobRef = this.blobs.put(packMessage(envelope));
      await this.blobs.commit();
      body = packMessage({ job: names.id, taskId, envelopeBlob } satisfies TaskMessage);
    }
    const result = new Promise<TaskResult>((resolve, reject) => {
      this.pending.set(taskId, { envelope, resolve, reject, bound: worker !== undefined, ...(worker !== undefined ? { worker } : {}) });
    });
    result.catch(() => undefined); // failed by close() while its publish is still retried: the caller hears it
    try {
      const ack = await publishDurably(js, worker !== undefined ? names.tasksFor(worker) : names.anyTasks, body, `${names.id}/${taskId}`);
      this.bySeq.set(ack.seq, taskId);
      const p = this.pending.get(taskId);
      if (p) p.sentAt = Date.now();
      void result.finally(() => this.bySeq.delete(ack.seq)).catch(() => undefined);
    } catch (e) {
      this.settle(taskId);
      throw new WorkerLostError(`cannot publish a task: ${isRefusal(e) ? describeRefusal(e) : (e as Error).message}`);
    }
    return result;
  }

  /** Rebinds the slots of lost workers and fails the tasks they were running. */
  private checkWorkers(): void {
    // Until every worker has put its entry again since the reconnect, silence proves nothing.
    if (Date.now() - this.reconnectedAt < 2 * HEARTBEAT_MS) return;
    const live = this.liveWorkers();
    if (live.length === 0) {
      // Nothing to move to: tasks wait for a worker, as long as at the start.
      this.noWorkersSince ??= Date.now();
      if (Date.now() - this.noWorkersSince > this.waitMs) {
        for (const [taskId] of [...this.pending]) this.settle(taskId)?.reject(new Error(`no live Sluice worker for ${Math.round(this.waitMs / 1000)} s (see --workerWait)`));
      }
      return;
    }
    this.noWorkersSince = undefined;
    const lost = new Set<string>();
    for (const w of new Set(this.slots)) if (!this.isLive(w)) lost.add(w);
    for (const p of this.pending.values()) if (p.worker !== undefined && !this.isLive(p.worker)) lost.add(p.worker);
    for (const w of lost) {
      for (let i = 0; i < this.slots.length; i++) {
        if (this.slots[i] !== w) continue;
        // The live worker with the fewest slots (a worker that joined has none).
        const load = new Map(live.map((l) => [l, 0]));
        for (const s of this.slots) if (load.has(s)) load.set(s, load.get(s)! + 1);
        this.slots[i] = [...load].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]![0];
      }
      for (const [taskId, p] of [...this.pending]) {
        if (p.worker !== w) continue;
        if (this.ranPastDeadline(p)) this.settle(taskId)?.resolve(hungTaskResult(p.envelope));
        else this.settle(taskId)?.reject(new WorkerLostError(`worker ${w} was lost`));
      }
      this.used.delete(w);
      const { jsm, names } = this.ctx;
      void jsm.streams.purge(names.workStream, { filter: names.tasksFor(w) }).catch(() => undefined);
      void jsm.consumers.delete(names.workStream, workerConsumer(w)).catch(() => undefined);
    }
  }

  async runOnEach(envelope: TaskEnvelope): Promise<void> {
    const workers = [...new Set([...this.slots, ...this.used])].filter((w) => this.isLive(w));
    await Promise.all(workers.map((w) => withTimeout(this.send(envelope, w), 15_000).catch(() => undefined)));
  }

  release = (blob: BlobRef): void => this.blobs.release(blob);

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.unsubscribe();
    for (const [taskId] of [...this.pending]) this.settle(taskId)?.reject(new WorkerLostError("the pool closed"));
  }
}

const REGISTRY_STREAM = `KV_${WORKERS_BUCKET}`;
const REGISTRY_PREFIX = `$KV.${WORKERS_BUCKET}.`;

function workerOf(subject: string): string {
  return subject.slice(REGISTRY_PREFIX.length);
}

/** Whether a KV message deletes its key. */
function isDeletion(headers: MsgHdrs | undefined): boolean {
  const op = headers?.get("KV-Operation");
  return op === "DEL" || op === "PURGE";
}

/**
 * The registry's entries and when they were put (by the servers' clock), read with direct gets (a KV listing
 * would go through a consumer). Empty when the cluster does not answer: the puts heard within a second tell.
 */
async function registeredWorkers(jsm: JetStreamManager): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  try {
    const info = await jsm.streams.info(REGISTRY_STREAM, { subjects_filter: ">" });
    await Promise.all(
      Object.keys(info.state.subjects ?? {}).map(async (subject) => {
        const msg = await jsm.streams.getMessage(REGISTRY_STREAM, { last_by_subj: subject });
        if (msg && !isDeletion(msg.header)) found.set(workerOf(subject), msg.time.getTime());
      }),
    );
  } catch {
    // a server failed over: the subscription hears every live worker within a heartbeat
  }
  return found;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timed out")), ms).unref())]);
}
