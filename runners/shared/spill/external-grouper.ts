/**
 * Grouping under a memory budget, by external sort: the reduce side of a shuffle for data many times larger than
 * memory, as in MapReduce and Spark's `ExternalSorter`.
 *
 * ```
 *  add ─► frame ─► chunk (sort buffer) ─(chunk full)─► sort (+ combine) ─► memory run ... memory run
 *                                                                               │ (past the budget: merged)
 *                                                                               ▼
 *                                                                run file ... run file
 *                                                                               │ (more than mergeWidth:
 *  groups():  memory runs + run files ─► k-way merge (heap) ◄──────────────────┘  merged in rounds first)
 *                                               │
 *                                               ▼
 *                        { key, window, records } one group at a time, in frame order
 * ```
 *
 * Records are grouped by (key, window), keys compared by their deterministic encoding (`encodeKey`), so object
 * keys with different property orders group together. The buffer is sorted a chunk at a time (at most 4 MiB, so
 * sorting and copying stay in cache) into runs kept in memory; when those pass the budget they are merged into one
 * run file. With `combine`, equal keys are merged whenever a chunk is sorted and whenever runs are merged (memory
 * runs are merged in memory while that keeps them small), and each group holds one accumulator.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Coder } from "../../../sdk/model/coder.js";
import type { Instant } from "../../../sdk/model/time.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import { GlobalWindows, type WindowFn } from "../../../sdk/model/window-fn.js";
import type { TimestampCombiner } from "../../../sdk/model/windowing-strategy.js";
import { encodeKey } from "../../core/key-encoding.js";
import type { ShuffleRecord } from "../../core/shuffle.js";
import { msgpackCoder, rangeCoder, windowFromText, windowText, type RangeCoder } from "./codecs.js";
import { compareBytes, frameView, hashedText, keyTextHash, type FrameView } from "./frame.js";
import { BufferPool, MemoryRunBuilder, MemoryRunCursor, type MemoryRun } from "./memory-run.js";
import { FrameMerger, MergeWriter } from "./merge.js";
import { RunReader, RunWriter, type FrameCursor, type FrameSink } from "./run-file.js";
import { MAX_BUFFERED_RECORDS, SortBuffer, type Combiner } from "./sort-buffer.js";
import { ValueSpool } from "./value-spool.js";

/** How a combining store merges the values (accumulators of a lifted combine) of one key in one window. */
export interface GroupCombining {
  /** Merges two accumulators; may mutate and return `a` (every value it sees was decoded for it). */
  readonly merge: (a: unknown, b: unknown) => unknown;
  /**
   * Which timestamp a merged record keeps: the earliest for `EARLIEST`, else the latest (as the grouping side
   * does; `END_OF_WINDOW` replaces it anyway). Default `END_OF_WINDOW`.
   */
  readonly timestampCombiner?: TimestampCombiner;
}

/** Options of an {@link ExternalGrouper}. */
export interface ExternalGrouperOptions {
  /** Where run files go: a directory of the job's `--tempDir`. Created if missing; never deleted (only the files). */
  readonly dir: string;
  /**
   * The memory budget in bytes: records buffered (as bytes), the write buffer and, while merging, the read buffers
   * all fit in it; the group being yielded comes on top. At least 256 KiB is sensible: below, the fixed minimums
   * (a 16 KiB chunk, a 4 KiB read buffer per run merged) dominate.
   */
  readonly memoryBytes: number;
  /** Pre-combine equal keys (see {@link GroupCombining}); each group then holds one record. */
  readonly combine?: GroupCombining;
  /** The most runs merged at once; beyond, runs are first merged in passes. Default 64. */
  readonly mergeWidth?: number;
  /**
   * The records' WindowFn: its window coder encodes their windows into the frames (see `windowText`), so a
   * window of any class comes back as it went in. Default: the built-in coders of the global and interval windows.
   */
  readonly windowFn?: WindowFn;
  /** Encodes keys in run files (the grouping uses `encodeKey` whatever this is). Default: msgpack. */
  readonly keyCoder?: Coder<unknown>;
  /** Encodes values in run files. Default: msgpack. */
  readonly valueCoder?: Coder<unknown>;
  /** Starts run file names (say, the step's name), to make a temp directory readable. Default `spill`. */
  readonly name?: string;
}

/** A value of a group, with its timestamp. */
export interface GroupedRecord {
  readonly timestamp: Instant;
  readonly value: unknown;
}

/** All records of one key in one window. */
export interface Group {
  readonly key: unknown;
  readonly window: BoundedWindow;
  /**
   * The records, in the order they were added (a plain store), or the one merged accumulator with the combined
   * timestamp (a combining store). Accumulators merge in the order records were added.
   */
  readonly records: GroupedRecord[];
  /**
   * Only from `groups({ spoolBytes })`: the group's values went to a file of their own because they outgrew
   * `spoolBytes` (then `records` is empty). Readable until the store is closed.
   */
  readonly spooled?: ValueSpool;
}

/** Options of {@link ExternalGrouper.groups}. */
export interface GroupsOptions {
  /**
   * A plain store's group whose encoded values pass this many bytes is not held in memory: its values are
   * written to a file as they come out of the merge and the group comes with {@link Group.spooled}.
   */
  readonly spoolBytes?: number;
}

/** What a store did, for `--stats`. */
export interface SpillStats {
  /** Records added. */
  readonly records: number;
  /** Bytes of the records added, encoded (as frames). */
  readonly recordBytes: number;
  /** Groups yielded. */
  readonly groups: number;
  /** Runs spilled from memory. */
  readonly spills: number;
  /** Bytes written by those spills. */
  readonly spilledBytes: number;
  /** Runs written by merge passes (only when there were more than `mergeWidth` runs). */
  readonly mergedRuns: number;
  /** Bytes written by merge passes. */
  readonly mergedBytes: number;
  /** The most bytes buffered at once (as counted against the budget). */
  readonly peakBufferedBytes: number;
  /** Records merged into another in memory: as a chunk was sorted or memory runs merged (combining stores). */
  readonly combinedInMemory: number;
  /** Times the memory runs were merged into one in memory instead of spilled (combining stores). */
  readonly compactions: number;
  /** Groups whose values went to a file of their own (`groups({ spoolBytes })`). */
  readonly spooledGroups: number;
}

const DEFAULT_MERGE_WIDTH = 64;
const MIN_READ_BUFFER = 4 * 1024;
const MAX_IO_BUFFER = 1024 * 1024;
/** The largest chunk sorted at once: about an L2 cache, where sorting and copying frames stay fast. */
const MAX_CHUNK = 4 * 1024 * 1024;
const MIN_CHUNK = 16 * 1024;
/** Memory runs beyond which they are merged to a file. */
const MAX_MEMORY_RUNS = 128;
/** Memory runs beyond which a combining store merges them in memory, while that shrinks them. */
const COMPACT_RUNS = 16;

/** `failed`: an add threw while sorting or spilling (a merge function or the disk failed); only close() is left. */
type State = "adding" | "reading" | "failed" | "closed";

/**
 * Groups shuffle records by (key, window) within a memory budget, spilling sorted runs to disk and merging them.
 *
 * Memory stays within the budget plus one group, held only while it is yielded; with `groups({ spoolBytes })` a
 * group past that size is not held at all: its values go to a file of their own, read back as they are used.
 * Adding is synchronous (a spill sorts and writes synchronously); reading is asynchronous (one read per buffer).
 * Call {@link close} in a `finally`: it deletes every run file, whether the store was read to the end or not.
 *
 * Groups come out in frame order: by a hash of the key's encoding, then by the encoding's bytes, then by window
 * id. It is deterministic, keeps all windows of a key together, and is not alphabetical (see `frame.ts` for why).
 * @example
 * const store = new ExternalGrouper({ dir: path.join(tempDir, "gbk-1"), memoryBytes: 64 << 20 });
 * try {
 *   for (const r of records) store.add(r);
 *   for await (const { key, window, records } of store.groups()) emit(key, window, records.map((r) => r.value));
 * } finally {
 *   await store.close();
 * }
 */
export class ExternalGrouper {
  private state: State = "adding";
  private readonly dir: string;
  /** The budget less the write buffer: what buffered records may take. */
  private readonly recordBudget: number;
  private readonly mergeWidth: number;
  private readonly keyCoder: RangeCoder;
  /** String and number keys are read back from the sort key, not stored (unless a key coder was given). */
  private readonly implicitKeys: boolean;
  private readonly valueCoder: RangeCoder;
  private readonly windowFn: WindowFn;
  /** Set for a combining store. */
  private readonly combiner: Combiner | undefined;
  /** Records not yet sorted, as frames. */
  private readonly chunk: SortBuffer;
  /** Bytes of records after which {@link chunk} is sorted into a memory run. */
  private readonly chunkBudget: number;
  /** Sorted runs in memory, oldest first (all newer than every run file). */
  private memoryRuns: MemoryRun[] = [];
  /** Bytes held by {@link memoryRuns}. */
  private memoryRunBytes = 0;
  /** Buffers of memory runs that were spilled or merged, for the next ones. */
  private readonly pool: BufferPool;
  /** Shared by every run writer of this store (spills and merge passes happen one at a time). */
  private readonly writeBuffer: Buffer;
  /** Run files not yet merged, oldest first. */
  private runs: string[] = [];
  /** Every file this store may have created and has not seen deleted: what {@link close} removes. */
  private readonly files = new Set<string>();
  private readonly filePrefix: string;
  private fileSeq = 0;
  /** The merge of the running {@link groups} iteration, closed by {@link close} if the iteration was abandoned. */
  private merger: FrameMerger | undefined;
  private closing: Promise<void> | undefined;
  /** The value spools of hot groups, readable until {@link close}. */
  private spools: ValueSpool[] = [];
  /**
   * The current group's first frame up to its key (hash, sort key, key), copied: the cursor's buffer changes under
   * it. {@link groupFrame} locates its fields.
   */
  private scratch = Buffer.allocUnsafe(256);
  private readonly groupFrame: FrameView = frameView();
  private lastWindowText = "";
  private lastWindow: BoundedWindow | undefined;
  /** The window of the last record added, its text and the text's length (records mostly share a window). */
  private lastAddedWindow: BoundedWindow | undefined;
  private lastAddedWindowText = "";
  private lastAddedWindowTextBytes = 0;

  private records = 0;
  private recordBytes = 0;
  private groupCount = 0;
  private spills = 0;
  private spilledBytes = 0;
  private mergedRuns = 0;
  private mergedBytes = 0;
  private peakBufferedBytes = 0;
  private combinedInMemory = 0;
  private compactions = 0;
  private spooledGroups = 0;
  /** Whether the last compaction halved the memory runs (so compacting is worth trying again). */
  private compactionPays = true;

  constructor(options: ExternalGrouperOptions) {
    if (!(options.memoryBytes > 0)) throw new RangeError(`memoryBytes must be positive, not ${options.memoryBytes}`);
    const width = options.mergeWidth ?? DEFAULT_MERGE_WIDTH;
    if (!(Number.isInteger(width) && width >= 2)) throw new RangeError(`mergeWidth must be an integer of at least 2, not ${width}`);
    this.dir = options.dir;
    this.mergeWidth = width;
    // The write buffer comes out of the budget; what is left holds records.
    this.writeBuffer = Buffer.allocUnsafe(clamp(Math.floor(options.memoryBytes / 16), MIN_READ_BUFFER, MAX_IO_BUFFER));
    this.recordBudget = Math.max(options.memoryBytes - this.writeBuffer.length, 1);
    this.keyCoder = options.keyCoder ? rangeCoder(options.keyCoder) : msgpackCoder();
    this.implicitKeys = options.keyCoder === undefined;
    this.valueCoder = options.valueCoder ? rangeCoder(options.valueCoder) : msgpackCoder();
    this.windowFn = options.windowFn ?? DEFAULT_WINDOW_FN;
    const combine = options.combine;
    this.combiner = combine && { merge: combine.merge, earliest: combine.timestampCombiner === "EARLIEST", valueCoder: this.valueCoder };
    this.chunkBudget = clamp(Math.floor(this.recordBudget / 8), MIN_CHUNK, MAX_CHUNK);
    this.chunk = new SortBuffer(this.chunkBudget);
    this.pool = new BufferPool(this.chunkBudget / 4);
    const name = (options.name ?? "spill").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 40);
    // pid + random: stores in other processes or in this one never pick the same names (and `wx` checks anyway).
    this.filePrefix = `${name}-${process.pid}-${randomBytes(4).toString("hex")}`;
  }

  /** Bytes buffered now (records in the chunk and memory runs), as counted against the budget. */
  get bufferedBytes(): number {
    return this.chunk.bytes + this.memoryRunBytes;
  }

  /** A snapshot of what the store has done so far. */
  get stats(): SpillStats {
    return {
      records: this.records,
      recordBytes: this.recordBytes,
      groups: this.groupCount,
      spills: this.spills,
      spilledBytes: this.spilledBytes,
      mergedRuns: this.mergedRuns,
      mergedBytes: this.mergedBytes,
      peakBufferedBytes: this.peakBufferedBytes,
      combinedInMemory: this.combinedInMemory,
      compactions: this.compactions,
      spooledGroups: this.spooledGroups,
    };
  }

  /** Adds one record; may spill (synchronously) when the buffer passes the budget. */
  add(record: ShuffleRecord): void {
    this.write(record.key, record.window, record.timestamp, record.value);
  }

  /**
   * Adds one record given as its fields, as `ShuffleWriter.write` takes them (no record object needed).
   * @throws NonDeterministicKeyError for a key with no deterministic encoding
   */
  write(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    if (this.state !== "adding") throw new Error(`cannot add to a store after groups(), close() or a failure (this one is ${this.state})`);
    const keyText = encodeKey(key);
    const hash = keyTextHash(keyText);
    if (window !== this.lastAddedWindow) {
      this.lastAddedWindowText = windowText(window, this.windowFn);
      this.lastAddedWindowTextBytes = this.lastAddedWindowText.length; // base64: one byte a character
      this.lastAddedWindow = window;
    }
    const chunk = this.chunk;
    this.recordBytes += chunk.append(hash, keyText, hashedText.utf8Length, this.lastAddedWindowText, this.lastAddedWindowTextBytes, this.storedKey(key), timestamp, this.valueCoder.encode(value));
    this.records++;
    const bytes = chunk.bytes;
    if (bytes + this.memoryRunBytes > this.peakBufferedBytes) this.peakBufferedBytes = bytes + this.memoryRunBytes;
    if (bytes > this.chunkBudget || chunk.count === MAX_BUFFERED_RECORDS) {
      try {
        this.seal();
      } catch (e) {
        this.state = "failed"; // the buffers are half-moved: nothing more can be added or read
        throw e;
      }
    }
  }

  /**
   * The groups in frame order, one at a time. A store is read once; adding after reading has begun is an error.
   * Leaving the loop early is fine: {@link close} still cleans up.
   */
  async *groups(options: GroupsOptions = {}): AsyncGenerator<Group, void, undefined> {
    const merger = await this.startReading();
    try {
      yield* this.mergeGroups(merger, options.spoolBytes ?? Infinity);
    } finally {
      await this.stopReading(merger);
    }
  }

  /** Seals what is buffered and opens the merge of every run (a store is read once). */
  private async startReading(): Promise<FrameMerger> {
    if (this.state !== "adding") throw new Error(`a store can be read only once, and not after close() (this one is ${this.state})`);
    this.state = "reading";
    this.seal();
    this.chunk.release();
    this.pool.clear();
    // Leave at least a quarter of the budget for the run files' read buffers.
    if (this.runs.length > 0 && this.memoryRunBytes > (this.recordBudget * 3) / 4) this.spill();
    while (this.runs.length > this.mergeWidth) await this.mergeRound();
    const cursors = await this.openRuns(this.runs);
    for (const run of this.memoryRuns) cursors.push(new MemoryRunCursor(run, cursors.length));
    this.runs = [];
    this.memoryRuns = [];
    return (this.merger = new FrameMerger(cursors));
  }

  private async stopReading(merger: FrameMerger): Promise<void> {
    this.merger = undefined;
    this.memoryRunBytes = 0;
    await merger.close();
  }

  /**
   * Deletes every run file this store created and drops its buffers. Idempotent; safe in a `finally`, after an
   * error or an abandoned iteration. The directory is left in place (empty of this store's files).
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.state = "closed";
    this.chunk.release();
    this.pool.clear();
    this.memoryRuns = [];
    this.memoryRunBytes = 0;
    const errors: unknown[] = [];
    await this.merger?.close().catch((e: unknown) => errors.push(e));
    for (const spool of this.spools) {
      try {
        spool.close();
      } catch (e) {
        errors.push(e);
      }
    }
    this.spools = [];
    for (const file of this.files) {
      await fs.promises.rm(file, { force: true }).catch((e: unknown) => errors.push(e));
    }
    this.files.clear();
    if (errors.length > 0) throw new AggregateError(errors, `could not clean up spill files in ${this.dir}`);
  }

  /**
   * Sorts the chunk (combining equal keys, for a combining store) into a new memory run, then keeps the memory
   * runs within the budget: past it, or past {@link MAX_MEMORY_RUNS}, they are merged into a run file. A combining
   * store first merges them in memory while that shrinks them (a compaction), so a combine over few keys never
   * touches the disk.
   */
  private seal(): void {
    const chunk = this.chunk;
    if (chunk.count === 0) return;
    const builder = this.runBuilder(chunk.frameBytes);
    this.combinedInMemory += this.combiner ? chunk.writeCombined(builder, this.combiner) : chunk.writeSorted(builder);
    chunk.clear();
    const run = builder.finish();
    this.memoryRuns.push(run);
    this.memoryRunBytes += run.buf.length;
    // Room for a full chunk and for sealing it (the run it becomes) must remain.
    const full = () => this.memoryRunBytes + 2 * this.chunkBudget > this.recordBudget;
    // Combining may shrink the runs enough to stay in memory: try once there are a few (merging few keys over and
    // over costs little), or when memory is short, as long as compacting has been worth it. A compaction needs room
    // for its output (at most its input).
    const compact =
      this.combiner !== undefined &&
      this.compactionPays &&
      this.memoryRuns.length > 1 &&
      (this.memoryRuns.length >= COMPACT_RUNS || full()) &&
      this.memoryRunBytes <= this.recordBudget / 2;
    if (compact) {
      const before = this.memoryRunBytes;
      this.compact();
      // Keys that rarely repeat: it will not pay next time either; leave the runs to the budget.
      if (this.memoryRunBytes > before / 2) this.compactionPays = false;
    }
    if (full() || this.memoryRuns.length >= MAX_MEMORY_RUNS) this.spill();
  }

  /** Merges the memory runs into one run file. */
  private spill(): void {
    if (this.memoryRuns.length === 0) return;
    const writer = this.createRun();
    try {
      this.mergeMemoryRuns(writer);
      writer.finish();
    } catch (e) {
      writer.abort();
      throw e;
    }
    this.runs.push(writer.path);
    this.spills++;
    this.spilledBytes += writer.bytes;
  }

  /** A builder for a memory run, with a buffer from the pool. */
  private runBuilder(bytes: number): MemoryRunBuilder {
    // The pool and the runs together stay within the budget, beside room for the chunk and its sealing.
    return new MemoryRunBuilder(this.pool, bytes, this.recordBudget - 2 * this.chunkBudget - this.memoryRunBytes);
  }

  /** Merges the memory runs into one memory run (combining: it is smaller). */
  private compact(): void {
    const builder = this.runBuilder(this.chunkBudget);
    this.mergeMemoryRuns(builder);
    const run = builder.finish();
    this.memoryRuns = [run];
    this.memoryRunBytes = run.buf.length;
    this.compactions++;
  }

  /** Writes the merge of the memory runs to `sink` (synchronously: nothing to read) and forgets them. */
  private mergeMemoryRuns(sink: FrameSink): void {
    const writer = new MergeWriter(new FrameMerger(this.memoryRuns.map((run, i) => new MemoryRunCursor(run, i))), sink, this.combiner);
    if (writer.run() !== undefined) throw new Error("internal error: a merge of memory runs waited for I/O");
    this.combinedInMemory += writer.merged;
    const runs = this.memoryRuns;
    this.memoryRuns = [];
    this.memoryRunBytes = 0;
    for (const run of runs) this.pool.give(run.buf, this.recordBudget - 2 * this.chunkBudget);
  }

  /** A writer for a new run file (created on its first flush; listed for {@link close} from now on). */
  private createRun(): RunWriter {
    return new RunWriter(this.newFile("run"), this.writeBuffer);
  }

  /** The path of a new file of this store, listed for {@link close}. */
  private newFile(extension: string): string {
    if (this.fileSeq === 0) fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, `${this.filePrefix}-${this.fileSeq++}.${extension}`);
    this.files.add(file);
    return file;
  }

  /**
   * Moves a group's records so far into a new value spool (emptying `records`), for the rest of the group to
   * follow. Reading has begun, so no run is being written: the write buffer is free.
   */
  private spoolRecords(records: GroupedRecord[]): ValueSpool {
    const coder = this.valueCoder;
    const spool = new ValueSpool(this.newFile("values"), this.writeBuffer, (buf, start, end) => coder.decode(buf, start, end));
    this.spools.push(spool);
    for (const r of records) {
      const bytes = coder.encode(r.value);
      spool.add(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength, r.timestamp);
    }
    records.length = 0;
    this.spooledGroups++;
    return spool;
  }

  /**
   * One round of merge passes: each `mergeWidth` consecutive runs become one, in their place (so records keep
   * their order within a key). Rounds, rather than repeatedly merging the oldest runs, keep the bytes rewritten at
   * O(n log_width(runs)).
   */
  private async mergeRound(): Promise<void> {
    const next: string[] = [];
    for (let i = 0; i < this.runs.length; i += this.mergeWidth) {
      const chunk = this.runs.slice(i, i + this.mergeWidth);
      next.push(chunk.length === 1 ? chunk[0]! : await this.mergeRuns(chunk));
    }
    this.runs = next;
  }

  /** Merges runs into a new one; returns its path. */
  private async mergeRuns(inputs: readonly string[]): Promise<string> {
    const merger = new FrameMerger(await this.openRuns(inputs));
    const writer = this.createRun();
    try {
      const pending = new MergeWriter(merger, writer, this.combiner).run();
      if (pending) await pending;
      writer.finish();
    } catch (e) {
      writer.abort();
      throw e;
    } finally {
      await merger.close();
    }
    this.mergedRuns++;
    this.mergedBytes += writer.bytes;
    for (const file of inputs) this.files.delete(file); // read to the end, so deleted by their readers
    return writer.path;
  }

  /** Opens runs for merging, with read buffers sharing what the budget leaves beside the in-memory tail. */
  private async openRuns(files: readonly string[]): Promise<FrameCursor[]> {
    if (files.length === 0) return [];
    const free = Math.max(this.recordBudget - this.bufferedBytes, this.recordBudget / 4);
    const bufferBytes = clamp(Math.floor(free / files.length), MIN_READ_BUFFER, MAX_IO_BUFFER);
    const opened = await Promise.allSettled(files.map((f, i) => RunReader.open(f, bufferBytes, i)));
    const readers = opened.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = opened.find((r) => r.status === "rejected");
    if (failed) {
      await Promise.all(readers.map((r) => r.close()));
      throw failed.reason;
    }
    return readers;
  }

  /** The key's bytes for a frame, or undefined when the frame's sort key gives the key back. */
  private storedKey(key: unknown): Uint8Array | undefined {
    if (this.implicitKeys && (typeof key === "string" || (typeof key === "number" && !Object.is(key, -0)))) return undefined;
    return this.keyCoder.encode(key);
  }

  /** Copies the frame `f` of `buf` up to its key into {@link scratch}, as the current group's frame. */
  private startGroup(buf: Buffer, f: FrameView): void {
    const n = f.keyEnd - f.start;
    if (this.scratch.length < n) this.scratch = Buffer.allocUnsafe(Math.max(n, this.scratch.length * 2));
    buf.copy(this.scratch, 0, f.start, f.keyEnd);
    const g = this.groupFrame;
    g.hash = f.hash;
    g.skStart = f.skStart - f.start;
    g.skEnd = f.skEnd - f.start;
    g.keyStart = f.keyStart - f.start;
    g.keyEnd = n;
  }

  /** Groups consecutive equal sort keys of a merge (merging values, for a combining store). */
  private async *mergeGroups(merger: FrameMerger, spoolBytes: number): AsyncGenerator<Group, void, undefined> {
    const valueCoder = this.valueCoder;
    const merge = this.combiner?.merge;
    const earliest = this.combiner?.earliest ?? false;
    const g = this.groupFrame;
    let top = merger.top;
    while (top !== undefined) {
      let buf = top.buf;
      let f = top.frame;
      this.startGroup(buf, f);
      const scratch = this.scratch;
      const key = this.keyOf(scratch, g);
      const window = this.windowOf(scratch, g);
      const records: GroupedRecord[] = [];
      let accumulator: unknown;
      let timestamp = 0;
      let first = true;
      let groupBytes = 0;
      let spool: ValueSpool | undefined;
      for (;;) {
        if (spool !== undefined) {
          spool.add(buf, f.valueStart, f.valueEnd, f.timestamp);
        } else if (merge === undefined) {
          records.push({ timestamp: f.timestamp, value: valueCoder.decode(buf, f.valueStart, f.valueEnd) });
          groupBytes += f.valueEnd - f.valueStart;
          if (groupBytes > spoolBytes) spool = this.spoolRecords(records);
        } else if (first) {
          accumulator = valueCoder.decode(buf, f.valueStart, f.valueEnd);
          timestamp = f.timestamp;
          first = false;
        } else {
          accumulator = merge(accumulator, valueCoder.decode(buf, f.valueStart, f.valueEnd));
          if (earliest ? f.timestamp < timestamp : f.timestamp > timestamp) timestamp = f.timestamp;
        }
        const pending = merger.next();
        if (pending) await pending;
        top = merger.top;
        if (top === undefined) break;
        buf = top.buf;
        f = top.frame;
        if (f.hash !== g.hash || compareBytes(buf, f.skStart, f.skEnd, scratch, g.skStart, g.skEnd) !== 0) break;
      }
      if (merge !== undefined) records.push({ timestamp, value: accumulator });
      this.groupCount++;
      if (spool === undefined) {
        yield { key, window, records };
      } else {
        spool.finish();
        yield { key, window, records, spooled: spool };
      }
    }
  }

  /** Decodes the key of the frame `f` of `buf`. */
  private keyOf(buf: Buffer, f: FrameView): unknown {
    if (f.keyEnd > f.keyStart) return this.keyCoder.decode(buf, f.keyStart, f.keyEnd);
    let nul = f.skStart;
    let escaped = false;
    for (let c = buf[nul]; c !== 0; c = buf[++nul]) if (c === 0x5c /* backslash */) escaped = true;
    if (buf[f.skStart] !== 0x22 /* " */) return Number(buf.toString("latin1", f.skStart, nul));
    // A string key: its JSON text, which without escapes is the string between the quotes.
    return escaped ? (JSON.parse(buf.toString("utf8", f.skStart, nul)) as string) : buf.toString("utf8", f.skStart + 1, nul - 1);
  }

  /** The window of a frame: what follows the first NUL of its sort key (`encodeKey` never emits one). */
  private windowOf(buf: Buffer, f: FrameView): BoundedWindow {
    let nul = f.skStart;
    while (nul < f.skEnd && buf[nul] !== 0) nul++;
    const text = buf.toString("latin1", nul + 1, f.skEnd);
    if (text !== this.lastWindowText || this.lastWindow === undefined) {
      this.lastWindow = windowFromText(text, this.windowFn);
      this.lastWindowText = text;
    }
    return this.lastWindow;
  }
}

/** Windowing whose coder is the built-in one of the global and interval windows. */
const DEFAULT_WINDOW_FN: WindowFn = new GlobalWindows();

function clamp(n: number, min: number, max: number): number {
  return n < min ? min : n > max ? max : n;
}
