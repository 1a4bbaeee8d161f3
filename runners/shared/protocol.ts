/**
 * The messages between a coordinator and its workers, shared by the threads and process runners. Everything
 * here is plain data: a worker gets user code by rebuilding the pipeline from `JobSpec.source`, never from a
 * message.
 *
 * Payloads are {@link BlobRef}s so the transport decides where bytes live: in memory (threads: the bytes
 * themselves, side inputs in shared memory) or on disk (a file range, for data larger than memory).
 * @module
 */
import type { PipelineOptions } from "../../sdk/options.js";
import type { PipelineSource } from "../../sdk/runner-api.js";
import type { MetricResults } from "../../sdk/metrics.js";
import type { GraphSummary } from "../core/rebuild.js";

/** Encoded bytes, in memory, in a file or in a stream. */
export type BlobRef = Uint8Array | FileBlobRef | StreamBlobRef;

/**
 * Bytes in a file: `length` bytes at `offset`. A worker writes all of one task's blobs into one file, so a file
 * holds `shares` blobs (1 when absent) and is deleted once that many of them have been released.
 */
export interface FileBlobRef {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
  readonly shares?: number;
}

/**
 * Bytes in a JetStream stream (NATS runner): `chunks` messages on `<subject>.0`, `<subject>.1`, ..., each within
 * the server's maximum payload, `length` bytes in all.
 */
export interface StreamBlobRef {
  readonly subject: string;
  readonly length: number;
  readonly chunks: number;
}

/** What a worker needs to rebuild and run the job's graph. */
export interface JobSpec {
  readonly jobId: string;
  readonly source: PipelineSource;
  readonly summary: GraphSummary;
  readonly options: PipelineOptions;
  /** How many partitions each shuffle has. */
  readonly partitions: number;
}

/** One unit of work: a bundle of a stage. */
export type Task =
  /** Run an Impulse stage. */
  | { readonly kind: "impulse"; readonly stage: string }
  /** Read one source split through its stage. */
  | { readonly kind: "read"; readonly stage: string; readonly split: unknown }
  /** Run elements the coordinator read (a TestStream event, an unbounded source's poll) from a stage's root. */
  | { readonly kind: "elements"; readonly stage: string; readonly data: BlobRef }
  /** Run a materialised bundle through a collection-rooted stage. */
  | { readonly kind: "bundle"; readonly stage: string; readonly pcollection: string; readonly data: BlobRef }
  /**
   * Group one key group (shuffle partition) on the worker that owns it, where its grouping state lives between
   * tasks: add the new records, advance the input watermark (firing what it passes) and run the results through
   * the stage.
   */
  | {
      readonly kind: "group";
      readonly stage: string;
      readonly partition: number;
      readonly watermark: number;
      /**
       * The input watermark when the records arrived: the grouping side is told it before they are added, so
       * records that were already behind it do not hold the output watermark (Beam's element-hold rule).
       */
      readonly arrivalWatermark: number;
      /** Processing time now (real, or the TestStream's test clock). */
      readonly processingTime: number;
      readonly records: readonly BlobRef[];
      /**
       * Present when the worker does not hold the key group's state (a new or replaced worker): rebuild it from the
       * last checkpoint and the group tasks since, replayed without output, before running this one.
       */
      readonly restore?: KeyGroupRestore;
      /**
       * The coordinator believes the worker holds the key group's state (it had state after the last task and
       * no restore is sent). A worker that lacks it was replaced since (a worker that dies between tasks is
       * restarted silently) and answers `stateLost` instead of grouping without its state.
       */
      readonly resident: boolean;
      /** Return a checkpoint of the key group's state after this task. */
      readonly checkpoint: boolean;
    }
  /** Call `teardown` on every DoFn of this worker. */
  | { readonly kind: "teardown" };

/** How a worker rebuilds a key group's state: its last checkpoint, then the group tasks that followed it. */
export interface KeyGroupRestore {
  /** An encoded grouping-side snapshot; absent: the state started empty. */
  readonly checkpoint?: BlobRef;
  /** The group tasks since the checkpoint, in order, to replay (their outputs were already taken). */
  readonly replay: readonly GroupReplay[];
}

/** One group task as replayed into a restored key group. */
export interface GroupReplay {
  readonly watermark: number;
  readonly arrivalWatermark: number;
  readonly processingTime: number;
  readonly records: readonly BlobRef[];
}

/** A side input's materialised elements (encoded bundles), sent with every task of a stage that reads it. */
export interface SideInputData {
  readonly pcollection: string;
  readonly bundles: readonly BlobRef[];
}

/** A task with everything needed to run it. */
export interface TaskEnvelope {
  readonly job: JobSpec;
  readonly task: Task;
  readonly sideInputs: readonly SideInputData[];
  /** Which attempt this is (1 for the first); fault-injection tests and logs use it. */
  readonly attempt: number;
}

/** Shuffle output of a task for one partition of one grouping stage. */
export interface ShuffleOutput {
  /** The grouping stage (id) the records are for. */
  readonly stage: string;
  readonly partition: number;
  readonly data: BlobRef;
  readonly records: number;
  /** The earliest output timestamp these records may produce (their watermark hold). */
  readonly hold: number;
}

/** A bundle a task produced for other stages or side inputs. */
export interface BundleOutput {
  readonly pcollection: string;
  readonly data: BlobRef;
  readonly elements: number;
  readonly minTimestamp: number;
  /** The latest end (`maxTimestamp()`) of the elements' windows. */
  readonly maxWindowEnd: number;
}

/** A user-code failure, as plain data. */
export interface TaskError {
  readonly message: string;
  readonly step?: string;
  readonly element?: string;
  readonly userStack?: string;
  readonly appliedAt?: string;
}

/** What a task produced. */
export interface TaskResult {
  readonly shuffle: readonly ShuffleOutput[];
  readonly bundles: readonly BundleOutput[];
  /**
   * Group tasks: whether the key group still has state (kept by the worker), its hold, its earliest
   * processing-time timer (absent: none), and the checkpoint asked for (absent without state).
   */
  readonly group?: {
    readonly hasState: boolean;
    readonly hold: number;
    readonly nextProcessingTimer?: number;
    readonly checkpoint?: BlobRef;
    /** How long making the checkpoint took (snapshot and encoding), in ms. */
    readonly checkpointMs?: number;
    /**
     * The worker does not hold the state the task expected resident (it is a new worker): the task did nothing,
     * and is run again with a restore.
     */
    readonly stateLost?: boolean;
    /**
     * The worker was over its memory budget after the task and dropped the key group's state: `checkpoint` holds
     * all of it, and the next task must restore it from there (the key group's state spilled to disk).
     */
    readonly evicted?: boolean;
  };
  /** Metric updates made by this task. */
  readonly metrics: MetricResults;
  /** Elements produced on each PCollection by this task. */
  readonly counts: readonly (readonly [string, number])[];
  /** Bytes the task's grouping spilled to disk, and in how many sorted runs. */
  readonly spilledBytes?: number;
  readonly spillRuns?: number;
  /** The worker's peak resident set size so far (its whole process for worker threads). */
  readonly maxRssBytes?: number;
  /** Set when user code failed: the coordinator fails the job with it, or retries the task if so configured. */
  readonly error?: TaskError;
}

/** A result with no outputs (teardown, or a task that failed: with `error` added). */
export function emptyResult(): TaskResult {
  return { shuffle: [], bundles: [], metrics: { counters: [], distributions: [], gauges: [] }, counts: [] };
}
