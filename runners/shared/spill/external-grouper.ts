/**
 * Grouping under a memory budget, by external sort: the reduce side of a shuffle for data many times larger than
 * memory, as in MapReduce and Spark's `ExternalSorter`.
 *
 * ```
 *  add ──► encode to a frame ──► sort buffer (bytes) ──(past the budget)──► sort ──► run file 1
 *                                       │                                            run file 2 ...
 *                                       ▼ groups()                                   │  (more than mergeWidth
 *                                 sorted tail ─────────────► k-way merge (heap) ◄────┘   runs: merged first)
 *                                                                 │
 *                                                                 ▼
 *                                         { key, window, records } one group at a time, in sort-key order
 * ```
 *
 * Records are grouped by (key, window), keys compared by their deterministic encoding (`encodeKey`), so object
 * keys with different property orders group together. With `combine`, equal keys are merged in memory before a
 * spill and again during the merge, and each group holds one accumulator.
 * @module
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Coder } from "../../../sdk/model/coder.js";
import type { Instant } from "../../../sdk/model/time.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { TimestampCombiner } from "../../../sdk/model/windowing-strategy.js";
import { encodeKey } from "../../core/key-encoding.js";
import type { ShuffleRecord } from "../../core/shuffle.js";
import { MSGPACK_CODER, rangeCoder, windowFromId as defaultWindowFromId, type RangeCoder } from "./codecs.js";
import { CombiningBuffer, type CombinedEntry } from "./combining-buffer.js";
import { compareBytes, frameSize, keyTextHash, writeFrameFrom } from "./frame.js";
import { FrameMerger } from "./merge.js";
import { RunReader, RunWriter, type FrameCursor } from "./run-file.js";
import type { FrameView } from "./frame.js";
import { MAX_BUFFERED_RECORDS, SortBuffer } from "./sort-buffer.js";

/** How a combining store merges the values (accumulators of a lifted combine) of one key in one window. */
export interface GroupCombining {
  /** Merges two accumulators; may mutate and return `a`. The store owns the values given to it. */
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
   * The memory budget in bytes: records buffered, the write buffer and, while merging, the read buffers all fit
   * in it (one group, and accumulators beyond their estimate, come on top). At least 64 KiB is sensible; each
   * run being merged gets a read buffer of at least 4 KiB whatever the budget.
   */
  readonly memoryBytes: number;
  /** Pre-combine equal keys (see {@link GroupCombining}); each group then holds one record. */
  readonly combine?: GroupCombining;
  /** The most runs merged at once; beyond, runs are first merged in passes. Default 64. */
  readonly mergeWidth?: number;
  /** Rebuilds a window from its id. Default: global and interval windows ({@link windowFromId}). */
  readonly windowFromId?: (id: string) => BoundedWindow;
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
   * timestamp (a combining store).
   */
  readonly records: GroupedRecord[];
}

/** What a store did, for `--stats`. */
export interface SpillStats {
  /** Records added. */
  readonly records: number;
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
  /** Records merged into an accumulator in memory (combining stores). */
  readonly combinedInMemory: number;
}

const DEFAULT_MERGE_WIDTH = 64;
const MIN_READ_BUFFER = 4 * 1024;
const MAX_IO_BUFFER = 1024 * 1024;

type State = "adding" | "reading" | "closed";

/**
 * Groups shuffle records by (key, window) within a memory budget, spilling sorted runs to disk and merging them.
 *
 * Memory stays within the budget plus one group: a single key's group is materialised whole (its records in an
 * array), so one huge key needs memory for its values; every other group is held only while it is yielded.
 * Adding is synchronous (a spill sorts and writes synchronously); reading is asynchronous (one read per buffer).
 * Call {@link close} in a `finally`: it deletes every run file, whether the store was read to the end or not.
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
  private readonly recordBudget: number;
  private readonly mergeWidth: number;
  private readonly keyCoder: RangeCoder;
  /** String and number keys are read back from the sort key, not stored (unless a key coder was given). */
  private readonly implicitKeys: boolean;
  private readonly valueCoder: RangeCoder;
  private readonly windowFromId: (id: string) => BoundedWindow;
  private readonly combine: GroupCombining | undefined;
  private readonly earliest: boolean;
  /** Buffered records: frames (plain store) or accumulators (combining store). Exactly one is set. */
  private readonly sortBuffer: SortBuffer | undefined;
  private readonly combining: CombiningBuffer | undefined;
  /** Shared by every run writer of this store (spills happen one at a time). */
  private readonly writeBuffer: Buffer;
  /** Run files not yet merged, oldest first. */
  private runs: string[] = [];
  /** Every file this store created and has not seen deleted: what {@link close} removes. */
  private readonly files = new Set<string>();
  private readonly filePrefix: string;
  private fileSeq = 0;
  /** The merge of the running {@link groups} iteration, closed by {@link close} if the iteration was abandoned. */
  private merger: FrameMerger | undefined;
  private closing: Promise<void> | undefined;
  /** The current group's sort key, copied (the cursor's buffer changes under it). */
  private scratch = Buffer.allocUnsafe(256);
  private lastWindowId = "";
  private lastWindow: BoundedWindow | undefined;

  private records = 0;
  private groupCount = 0;
  private spills = 0;
  private spilledBytes = 0;
  private mergedRuns = 0;
  private mergedBytes = 0;
  private peakBufferedBytes = 0;

  constructor(options: ExternalGrouperOptions) {
    if (!(options.memoryBytes > 0)) throw new RangeError(`memoryBytes must be positive, not ${options.memoryBytes}`);
    const width = options.mergeWidth ?? DEFAULT_MERGE_WIDTH;
    if (!(Number.isInteger(width) && width >= 2)) throw new RangeError(`mergeWidth must be an integer of at least 2, not ${width}`);
    this.dir = options.dir;
    this.mergeWidth = width;
    // The write buffer comes out of the budget; what is left holds records.
    this.writeBuffer = Buffer.allocUnsafe(clamp(Math.floor(options.memoryBytes / 16), MIN_READ_BUFFER, MAX_IO_BUFFER));
    this.recordBudget = Math.max(options.memoryBytes - this.writeBuffer.length, 1);
    this.keyCoder = options.keyCoder ? rangeCoder(options.keyCoder) : MSGPACK_CODER;
    this.implicitKeys = options.keyCoder === undefined;
    this.valueCoder = options.valueCoder ? rangeCoder(options.valueCoder) : MSGPACK_CODER;
    this.windowFromId = options.windowFromId ?? defaultWindowFromId;
    this.combine = options.combine;
    this.earliest = options.combine?.timestampCombiner === "EARLIEST";
    if (this.combine) this.combining = new CombiningBuffer(this.combine.merge, this.earliest, this.valueCoder);
    else this.sortBuffer = new SortBuffer(this.recordBudget);
    const name = (options.name ?? "spill").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 40);
    // pid + random: stores in other processes or in this one never pick the same names (and `wx` checks anyway).
    this.filePrefix = `${name}-${process.pid}-${randomBytes(4).toString("hex")}`;
  }

  /** Bytes buffered now, as counted against the budget. */
  get bufferedBytes(): number {
    return this.sortBuffer ? this.sortBuffer.bytes : this.combining!.bytes;
  }

  /** A snapshot of what the store has done so far. */
  get stats(): SpillStats {
    return {
      records: this.records,
      groups: this.groupCount,
      spills: this.spills,
      spilledBytes: this.spilledBytes,
      mergedRuns: this.mergedRuns,
      mergedBytes: this.mergedBytes,
      peakBufferedBytes: this.peakBufferedBytes,
      combinedInMemory: this.combining?.combined ?? 0,
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
    if (this.state !== "adding") throw new Error("cannot add to a store after groups() or close()");
    const keyText = encodeKey(key);
    const hash = keyTextHash(keyText);
    const sortKey = `${keyText}\0${window.id}`;
    this.records++;
    let bytes: number;
    if (this.sortBuffer) {
      const buffer = this.sortBuffer;
      const skBytes = Buffer.byteLength(sortKey, "utf8");
      buffer.append(hash, sortKey, skBytes, this.storedKey(key), timestamp, this.valueCoder.encode(value));
      bytes = buffer.bytes;
      if (buffer.count === MAX_BUFFERED_RECORDS) bytes = Infinity; // the sort's index is full: spill
    } else {
      const buffer = this.combining!;
      buffer.add(hash, sortKey, key, window, timestamp, value);
      bytes = buffer.bytes;
    }
    if (bytes > this.peakBufferedBytes && bytes !== Infinity) this.peakBufferedBytes = bytes;
    if (bytes > this.recordBudget) this.spill();
  }

  /**
   * The groups in sort-key order (key encoding, then window id), one at a time. A store is read once; adding
   * after reading has begun is an error. Leaving the loop early is fine: {@link close} still cleans up.
   */
  async *groups(): AsyncGenerator<Group, void, undefined> {
    if (this.state !== "adding") throw new Error(`a store's groups() can be read only once, and not after close() (this one is ${this.state})`);
    this.state = "reading";
    if (this.combining) {
      if (this.runs.length === 0) {
        yield* this.groupsInMemory(this.combining.sorted());
        this.combining.clear();
        return;
      }
      // Spilled already: the tail joins the runs, so every source is a file of encoded accumulators.
      if (this.combining.size > 0) this.spill();
    } else if (this.runs.length > 0 && this.sortBuffer!.bytes > (this.recordBudget * 3) / 4) {
      // Leave at least a quarter of the budget for the runs' read buffers.
      this.spill();
    }
    const tail = this.sortBuffer && this.sortBuffer.count > 0 ? 1 : 0;
    while (this.runs.length + tail > this.mergeWidth) await this.mergeRound();
    const cursors = await this.openRuns(this.runs);
    if (tail) cursors.push(this.sortBuffer!.cursor(cursors.length));
    this.runs = [];
    const merger = (this.merger = new FrameMerger(cursors));
    try {
      yield* this.mergeGroups(merger);
    } finally {
      this.merger = undefined;
      await merger.close();
      this.sortBuffer?.release();
    }
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
    this.sortBuffer?.release();
    this.combining?.clear();
    const errors: unknown[] = [];
    await this.merger?.close().catch((e: unknown) => errors.push(e));
    for (const file of this.files) {
      await fs.promises.rm(file, { force: true }).catch((e: unknown) => errors.push(e));
    }
    this.files.clear();
    if (errors.length > 0) throw new AggregateError(errors, `could not clean up spill files in ${this.dir}`);
  }

  /** Sorts the buffer into a new run file and empties it. */
  private spill(): void {
    const writer = this.createRun();
    try {
      if (this.sortBuffer) this.sortBuffer.writeSorted(writer);
      else this.combining!.writeSorted(writer, (key) => this.storedKey(key));
      writer.finish();
    } catch (e) {
      writer.abort();
      throw e;
    }
    this.runs.push(writer.path);
    this.spills++;
    this.spilledBytes += writer.bytes;
    this.sortBuffer?.clear();
    this.combining?.clear();
  }

  private createRun(): RunWriter {
    if (this.fileSeq === 0) fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${this.filePrefix}-${this.fileSeq++}.run`);
    const writer = new RunWriter(file, this.writeBuffer);
    this.files.add(file);
    return writer;
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
    const groupCount = this.groupCount; // a pass's groups are not the store's
    try {
      if (this.combine) {
        for await (const group of this.mergeGroups(merger)) {
          const record = group.records[0]!;
          const key = this.storedKey(group.key);
          const value = this.valueCoder.encode(record.value);
          const skLen = this.groupSortKeyLength;
          writer.reserve(frameSize(skLen, key === undefined ? 0 : key.length, value.length));
          writer.pos = writeFrameFrom(writer.buf, writer.pos, this.scratch, this.groupHash, 0, skLen, key, record.timestamp, value);
        }
        this.groupCount = groupCount;
      } else {
        // Plain runs merge as bytes: frames are copied, nothing is decoded.
        for (let top = merger.top; top !== undefined; top = merger.top) {
          writer.copy(top.buf, top.frame.start, top.frame.end);
          const pending = merger.next();
          if (pending) await pending;
        }
      }
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

  /** Length of the current group's sort key in {@link scratch}. */
  private groupSortKeyLength = 0;
  /** The current group's key hash. */
  private groupHash = 0;

  /** The key's bytes for a frame, or undefined when the frame's sort key gives the key back. */
  private storedKey(key: unknown): Uint8Array | undefined {
    if (this.implicitKeys && (typeof key === "string" || (typeof key === "number" && !Object.is(key, -0)))) return undefined;
    return this.keyCoder.encode(key);
  }

  /** Decodes the key of the frame `f` of `buf`. */
  private keyOf(buf: Buffer, f: FrameView): unknown {
    if (f.keyEnd > f.keyStart) return this.keyCoder.decode(buf, f.keyStart, f.keyEnd);
    let nul = f.skStart;
    while (buf[nul] !== 0) nul++;
    const text = buf.toString("utf8", f.skStart, nul);
    return text.charCodeAt(0) === 0x22 /* " */ ? (JSON.parse(text) as string) : Number(text);
  }

  /** Groups consecutive equal sort keys of a merge. */
  private async *mergeGroups(merger: FrameMerger): AsyncGenerator<Group, void, undefined> {
    const valueCoder = this.valueCoder;
    const merge = this.combine?.merge;
    const earliest = this.earliest;
    let top = merger.top;
    while (top !== undefined) {
      let buf = top.buf;
      let f = top.frame;
      const skLen = f.skEnd - f.skStart;
      if (this.scratch.length < skLen) this.scratch = Buffer.allocUnsafe(Math.max(skLen, this.scratch.length * 2));
      const scratch = this.scratch;
      buf.copy(scratch, 0, f.skStart, f.skEnd);
      const hash = f.hash;
      this.groupSortKeyLength = skLen;
      this.groupHash = hash;
      const key = this.keyOf(buf, f);
      const window = this.windowOf(buf, f.skStart, f.skEnd);
      const records: GroupedRecord[] = [];
      let accumulator: unknown;
      let timestamp = 0;
      let first = true;
      for (;;) {
        const value = valueCoder.decode(buf, f.valueStart, f.valueEnd);
        if (merge === undefined) {
          records.push({ timestamp: f.timestamp, value });
        } else if (first) {
          accumulator = value;
          timestamp = f.timestamp;
          first = false;
        } else {
          accumulator = merge(accumulator, value);
          if (earliest ? f.timestamp < timestamp : f.timestamp > timestamp) timestamp = f.timestamp;
        }
        const pending = merger.next();
        if (pending) await pending;
        top = merger.top;
        if (top === undefined) break;
        buf = top.buf;
        f = top.frame;
        if (f.hash !== hash || compareBytes(buf, f.skStart, f.skEnd, scratch, 0, skLen) !== 0) break;
      }
      if (merge !== undefined) records.push({ timestamp, value: accumulator });
      this.groupCount++;
      yield { key, window, records };
    }
  }

  /** A combining store that never spilled: its accumulators are the groups. */
  private *groupsInMemory(entries: CombinedEntry[]): Generator<Group, void, undefined> {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      entries[i] = undefined as never; // let each entry go once yielded
      this.groupCount++;
      yield { key: e.key, window: e.window, records: [{ timestamp: e.timestamp, value: e.accumulator }] };
    }
  }

  /** The window of a sort key: what follows the first NUL (which `encodeKey` never emits). */
  private windowOf(buf: Buffer, skStart: number, skEnd: number): BoundedWindow {
    let nul = skStart;
    while (nul < skEnd && buf[nul] !== 0) nul++;
    const id = buf.toString("utf8", nul + 1, skEnd);
    if (id !== this.lastWindowId || this.lastWindow === undefined) {
      this.lastWindow = this.windowFromId(id);
      this.lastWindowId = id;
    }
    return this.lastWindow;
  }
}

function clamp(n: number, min: number, max: number): number {
  return n < min ? min : n > max ? max : n;
}
