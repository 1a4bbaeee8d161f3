/**
 * Blobs in a job's data stream: shuffle outputs, bundles, checkpoints and large task messages are published as
 * messages of at most the server's payload limit, each under a subject of its own (`<blob subject>.<chunk>`) and
 * with that subject as its message id, so a publish the client repeats (a server failed over) is stored once.
 * A blob is read back by subject from the stream's leader (not a replica, which may not have it yet) and purged
 * when the coordinator releases it. The stream is replicated (R3 on a cluster), so a blob outlives the worker
 * that wrote it and any one server.
 * @module
 */
import { JetStreamApiError, type JetStreamClient, type JetStreamManager, type PubAck } from "@nats-io/jetstream";
import { Packr } from "msgpackr";
import type { BlobRef, StreamBlobRef } from "../shared/protocol.js";
import type { BlobIo } from "../shared/worker-runtime.js";
import { retryThroughFailover } from "./failover-retry.js";

/** Blobs smaller than this travel inline in the task or result message. */
const INLINE_BYTES = 1024;
/** Room left in a message for headers. */
const HEADER_ROOM = 8 * 1024;

/** Task and result messages: msgpack with structured-clone semantics (Infinity, undefined, Maps, shared refs). */
const packr = new Packr({ structuredClone: true });

export function packMessage(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function unpackMessage<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/** How long a publish is retried while the cluster fails over (a server died, a stream elects a leader). */
const PUBLISH_RETRY_MS = 60_000;
/** How long a publish the cluster refuses (its storage full) is retried, in case released blobs make room. */
const REFUSED_RETRY_MS = 10_000;

/**
 * Publishes to a stream until it is acknowledged: a message sent while the client reconnects is lost without an
 * error (core NATS is at most once), so a publish that times out is sent again, with the same message id, which
 * the stream stores once.
 */
export function publishDurably(js: JetStreamClient, subject: string, data: Uint8Array, msgID: string): Promise<PubAck> {
  return retryThroughFailover(
    () => js.publish(subject, data, { msgID, timeout: 5000 }),
    (e) => (isRefusal(e) ? REFUSED_RETRY_MS : PUBLISH_RETRY_MS),
    250,
  );
}

/**
 * JetStream's errors for a message it will not store: insufficient resources (its storage or the account's is
 * full), the stream's store failing (a limit of bytes or messages reached), a message larger than allowed. Other
 * API errors (a stream without a leader while the cluster fails over) pass.
 */
const REFUSALS = new Set([10023, 10077, 10054]);

/** Whether `e` is the cluster refusing to store a message: retrying soon cannot help. */
export function isRefusal(e: unknown): e is JetStreamApiError {
  return e instanceof JetStreamApiError && REFUSALS.has(e.code);
}

/** What to tell a user about a refused write. */
export function describeRefusal(e: JetStreamApiError): string {
  return `the NATS cluster refused to store it: ${e.message} (JetStream error ${e.code}; see the servers' max_file_store and the account's limits)`;
}

/** Whether a blob reference points into a stream. */
export function isStreamBlob(ref: BlobRef): ref is StreamBlobRef {
  return !(ref instanceof Uint8Array) && "subject" in ref;
}

/** Reads, writes and releases blobs in one job's data stream. */
export class StreamBlobs implements BlobIo {
  private readonly chunkBytes: number;
  private task = 0;
  private blob = 0;
  private pending: Promise<unknown>[] = [];

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    /** The subject prefix this writer's blobs go under (one per worker, or the coordinator's). */
    private readonly prefix: string,
    maxPayload: number,
  ) {
    this.chunkBytes = Math.max(64 * 1024, maxPayload - HEADER_ROOM);
  }

  async read(ref: BlobRef): Promise<Uint8Array> {
    if (ref instanceof Uint8Array) return ref;
    if (!isStreamBlob(ref)) throw new Error("internal: the NATS runner got a blob that is not in its stream");
    const parts = await Promise.all(
      Array.from({ length: ref.chunks }, async (_, c) => {
        const subject = `${ref.subject}.${c}`;
        const msg = await this.jsm.streams.getMessage(this.stream, { last_by_subj: subject });
        if (!msg) throw new Error(`blob ${subject} is missing from stream ${this.stream}`);
        return msg.data;
      }),
    );
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (bytes.byteLength !== ref.length) throw new Error(`blob ${ref.subject} has ${bytes.byteLength} bytes, expected ${ref.length}`);
    return bytes;
  }

  write(bytes: Uint8Array): BlobRef {
    if (bytes.byteLength < INLINE_BYTES) return bytes;
    return this.put(bytes);
  }

  /** Writes a blob into the stream whatever its size (large messages). */
  put(bytes: Uint8Array): StreamBlobRef {
    const subject = `${this.prefix}.${this.task}.${this.blob++}`;
    const chunks = Math.max(1, Math.ceil(bytes.byteLength / this.chunkBytes));
    for (let c = 0; c < chunks; c++) {
      const part = bytes.subarray(c * this.chunkBytes, Math.min(bytes.byteLength, (c + 1) * this.chunkBytes));
      const id = `${subject}.${c}`;
      this.pending.push(publishDurably(this.js, id, part, id));
    }
    return { subject, length: bytes.byteLength, chunks };
  }

  /** Waits until every blob written since the last commit is stored (acknowledged by a quorum of replicas). */
  async commit(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    this.task++;
    this.blob = 0;
    try {
      await Promise.all(pending);
    } catch (e) {
      throw isRefusal(e) ? new Error(`cannot store a blob: ${describeRefusal(e)}`, { cause: e }) : e;
    }
  }

  abandon(): void {
    // Nothing refers to a failed task's blobs; they go with the stream when the job ends.
    for (const p of this.pending) p.catch(() => undefined);
    this.pending = [];
    this.task++;
    this.blob = 0;
  }

  /** Purges a blob (its task succeeded and nothing needs it again). Never rejects. */
  release(ref: BlobRef): void {
    if (!isStreamBlob(ref)) return;
    void this.jsm.streams.purge(this.stream, { filter: `${ref.subject}.*` }).catch(() => undefined);
  }
}
