/**
 * TextStreamSource: the lines of growing files and of files arriving in a directory, as an unbounded source.
 *
 * A reader polls the file system (at most every `pollIntervalMs`) and keeps, per file, how far it has read:
 *
 * ```
 *   file:   a b \n c d \n e f          (the writer has not written the \n after "ef" yet)
 *           ├────┼──────┼────┤
 *           │    │      │    └ readPos: bytes read so far
 *           │    │      └ lineStart: start of the unterminated line (its bytes wait in `carry`)
 *           │    └ a line ends here: "cd" is pending, its mark is 6
 *           └ emitted (the checkpoint): after the last line `read` has returned
 * ```
 *
 * A line is taken once its `\n` has been read, so appends that cut a line in two give it once, whole. Lines
 * wait in a queue (one poll's worth, at most {@link MAX_POLL_BYTES}) until `read` returns them; only then does
 * the file's checkpoint offset move past them, so a reader resumed from a checkpoint emits exactly what the
 * old one had not returned. A `.gz` file is taken as complete when it appears and decompressed as a stream, a
 * batch per poll; its checkpoint is the number of lines returned.
 * @module
 */
import fsp from "node:fs/promises";
import {
  isValidTimestamp,
  TIMESTAMP_MAX_VALUE,
  TIMESTAMP_MIN_VALUE,
  type Instant,
  type TimestampedValue,
  type UnboundedReader,
  type UnboundedSource,
} from "../../../sdk/index.js";
import { decodeLine, readGzipLines } from "../text/line-reader.js";
import { ignoreMissing, listWatchedFiles } from "./watched-files.js";

/**
 * How {@link readTextStream} follows its files.
 * @example
 * const options: ReadTextStreamOptions = { pollIntervalMs: 200, stopAfterIdleMs: 5_000 };
 */
export interface ReadTextStreamOptions {
  /** How often to look for new files and new bytes, in ms (default 500). `read` returns queued lines meanwhile. */
  readonly pollIntervalMs?: number;
  /**
   * The event timestamp of a line (default: the wall-clock time the reader found the line complete). Called
   * once per line, when the line is read.
   */
  readonly timestampFn?: (line: string, file: string) => Instant;
  /**
   * With a `timestampFn`, the watermark trails the largest timestamp returned so far by this many ms (a
   * heuristic: lines further behind arrive late). Without it, a custom-timestamped stream's watermark stays at
   * the beginning of time until the reader is done, since nothing is known of the timestamps still to come.
   */
  readonly watermarkLagMs?: number;
  /**
   * Finish after this many ms without new data: the reader is then `done` (its watermark jumps to the end of
   * time) after returning, as lines, what unterminated last lines the files have. For tests and batch-like use.
   */
  readonly stopAfterIdleMs?: number;
}

/**
 * The one split of a text stream: the patterns it follows (plain data). A text stream does not split: one
 * reader watches every file, which keeps "new file" detection and exactly-once simple; its reads are cheap.
 * @example
 * const split: TextStreamSplit = { patterns: ["/var/log/app/*.log"] };
 */
export interface TextStreamSplit {
  /** The patterns, as given to {@link readTextStream}. */
  readonly patterns: readonly string[];
}

/**
 * Where a text stream reader resumes (plain data): per file, by absolute path, what has been returned.
 * @example
 * const checkpoint: TextStreamCheckpoint = { offsets: { "/logs/a.log": 1024 }, gzipLines: { "/logs/old.log.gz": 50 } };
 */
export interface TextStreamCheckpoint {
  /** Per plain file: the byte offset after the last line returned (the next line starts there). */
  readonly offsets: Readonly<Record<string, number>>;
  /** Per `.gz` file: the number of lines returned (a gzip file cannot be entered at a byte offset). */
  readonly gzipLines: Readonly<Record<string, number>>;
}

/** At most this many bytes are read per poll (over all files), which bounds the queue of lines. */
export const MAX_POLL_BYTES = 1 << 20;
const DEFAULT_POLL_INTERVAL_MS = 500;

const NEWLINE = 0x0a;

/**
 * The lines of files that grow or arrive (see {@link readTextStream}, which is how pipelines use it). Files
 * are looked for when the reader polls, so the patterns may match nothing at first.
 * @example
 * const source = new TextStreamSource("incoming/*.txt", { pollIntervalMs: 100 });
 * const [split] = await source.split(1);
 * const reader = source.createReader(split!, undefined);
 * const lines = await reader.read(1000); // what has arrived, maybe nothing
 */
export class TextStreamSource implements UnboundedSource<string, TextStreamSplit> {
  readonly description: string;
  private readonly patterns: readonly string[];
  private readonly options: Required<Pick<ReadTextStreamOptions, "pollIntervalMs">> & ReadTextStreamOptions;

  constructor(patterns: string | readonly string[], options: ReadTextStreamOptions = {}) {
    const list = typeof patterns === "string" ? [patterns] : [...(patterns ?? [])];
    if (list.length === 0) throw new TypeError("readTextStream needs at least one file pattern");
    for (const p of list) {
      if (typeof p !== "string" || p.length === 0) throw new TypeError(`a file pattern must be a non-empty string, got ${JSON.stringify(p)}`);
    }
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    nonNegative("pollIntervalMs", pollIntervalMs);
    if (options.stopAfterIdleMs !== undefined) nonNegative("stopAfterIdleMs", options.stopAfterIdleMs);
    if (options.watermarkLagMs !== undefined) nonNegative("watermarkLagMs", options.watermarkLagMs);
    if (options.timestampFn !== undefined && typeof options.timestampFn !== "function") {
      throw new TypeError("readTextStream: 'timestampFn' must be a function of the line and its file");
    }
    this.patterns = Object.freeze(list);
    this.options = { ...options, pollIntervalMs };
    this.description = `text stream ${list.map((p) => `'${p}'`).join(", ")}`;
  }

  /** Always one split (see {@link TextStreamSplit}). */
  async split(_desiredSplits: number): Promise<readonly TextStreamSplit[]> {
    return [{ patterns: this.patterns }];
  }

  /** A reader of the split, resuming after what `checkpoint` (a {@link TextStreamCheckpoint}) says was returned. */
  createReader(split: TextStreamSplit, checkpoint: unknown): UnboundedReader<string> {
    if (!Array.isArray(split?.patterns)) throw new TypeError(`readTextStream: not a split of this source: ${JSON.stringify(split)}`);
    return new TextStreamReader(split.patterns, this.options, checkpoint);
  }
}

/** What a reader knows of one file. */
interface FileState {
  readonly path: string;
  readonly gzip: boolean;
  /** The checkpoint: plain file, the offset after the last line returned; gzip, the number of lines returned. */
  emitted: number;
  // Plain files. Invariant: lineStart <= readPos; `carry` holds the bytes [lineStart, readPos) of the line not
  // yet terminated; every line ending at or before lineStart is queued or returned.
  readPos: number;
  lineStart: number;
  carry: Buffer[];
  // Gzip files.
  /** Lines taken from the stream so far (queued or returned), counting skipped ones. */
  gzipTaken: number;
  gzipLines: AsyncGenerator<string[]> | undefined;
  gzipFinished: boolean;
}

/** A queued line: what `read` returns, plus the file and checkpoint mark it moves when returned. */
interface QueuedLine {
  readonly value: string;
  readonly timestamp: Instant;
  readonly file: FileState;
  readonly mark: number;
}

/** Reads the one split of a {@link TextStreamSource}. Runners call one method at a time. */
class TextStreamReader implements UnboundedReader<string> {
  /** Every file seen, by absolute path (kept after it vanishes, so a file is never read twice). */
  private readonly files = new Map<string, FileState>();
  /** Lines read but not yet returned, from `head` on, in the order read. */
  private queue: QueuedLine[] = [];
  private head = 0;
  /** `performance.now()` of the last poll, or -Infinity before the first. */
  private lastPollAt = -Infinity;
  /** The last poll stopped at {@link MAX_POLL_BYTES} with bytes left: poll again at once. */
  private moreToRead = false;
  /** `performance.now()` when new data (bytes or a file) was last seen, or when reading began. */
  private lastDataAt: number | undefined;
  /** The last arrival time given (arrival times never go back, even if the wall clock does). */
  private lastArrival: Instant = TIMESTAMP_MIN_VALUE;
  /** The largest timestamp returned so far (custom timestamps with a lag). */
  private maxReturned: Instant = TIMESTAMP_MIN_VALUE;
  private lastWatermark: Instant = TIMESTAMP_MIN_VALUE;
  private finished = false;

  constructor(
    private readonly patterns: readonly string[],
    private readonly options: ReadTextStreamOptions & { readonly pollIntervalMs: number },
    checkpoint: unknown,
  ) {
    if (checkpoint !== undefined && checkpoint !== null) this.restore(checkpoint);
  }

  get done(): boolean {
    return this.finished;
  }

  async read(max: number): Promise<readonly TimestampedValue<string>[]> {
    if (this.finished) return [];
    const now = performance.now();
    this.lastDataAt ??= now;
    if (this.head === this.queue.length) {
      let polled = false;
      if (this.moreToRead || now - this.lastPollAt >= this.options.pollIntervalMs) {
        await this.poll();
        polled = true;
      }
      if (this.head === this.queue.length && this.idle()) {
        // Look once more before giving up: data may have come since the last poll.
        if (!polled) await this.poll();
        if (this.head === this.queue.length && this.idle()) {
          this.flushUnterminatedLines();
          if (this.head === this.queue.length) this.finished = true;
        }
      }
    }
    return this.take(max);
  }

  watermark(): Instant {
    if (this.finished) return TIMESTAMP_MAX_VALUE;
    let estimate: Instant;
    if (this.options.timestampFn === undefined) {
      // A queued line's timestamp is its arrival; a line not read yet will arrive now or later.
      estimate = this.head < this.queue.length ? this.queue[this.head]!.timestamp : Date.now();
    } else if (this.options.watermarkLagMs !== undefined && this.maxReturned > TIMESTAMP_MIN_VALUE) {
      estimate = Math.max(TIMESTAMP_MIN_VALUE, this.maxReturned - this.options.watermarkLagMs);
    } else {
      estimate = TIMESTAMP_MIN_VALUE;
    }
    if (estimate > this.lastWatermark) this.lastWatermark = estimate;
    return this.lastWatermark;
  }

  checkpoint(): TextStreamCheckpoint {
    const offsets: Record<string, number> = {};
    const gzipLines: Record<string, number> = {};
    for (const f of this.files.values()) {
      if (f.emitted > 0) (f.gzip ? gzipLines : offsets)[f.path] = f.emitted;
    }
    return { offsets, gzipLines };
  }

  async close(): Promise<void> {
    this.finished = true;
    for (const f of this.files.values()) {
      const lines = f.gzipLines;
      f.gzipLines = undefined;
      if (lines !== undefined) await lines.return(undefined);
    }
  }

  private restore(checkpoint: unknown): void {
    const { offsets, gzipLines } = checkpoint as Partial<TextStreamCheckpoint>;
    for (const [table, gzip] of [
      [offsets, false],
      [gzipLines, true],
    ] as const) {
      if (typeof table !== "object" || table === null) throw new TypeError(`readTextStream: not a text stream checkpoint: ${JSON.stringify(checkpoint)}`);
      for (const [file, n] of Object.entries(table)) {
        if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`readTextStream: bad checkpoint position ${JSON.stringify(n)} for '${file}'`);
        const state = this.track(file, gzip);
        state.emitted = n;
        if (!gzip) state.readPos = state.lineStart = n;
      }
    }
  }

  private track(file: string, gzip = isGzip(file)): FileState {
    let state = this.files.get(file);
    if (state === undefined) {
      state = { path: file, gzip, emitted: 0, readPos: 0, lineStart: 0, carry: [], gzipTaken: 0, gzipLines: undefined, gzipFinished: false };
      this.files.set(file, state);
    }
    return state;
  }

  /** Looks for new files and new bytes, and queues the lines they complete (at most MAX_POLL_BYTES of them). */
  private async poll(): Promise<void> {
    this.lastPollAt = performance.now();
    this.moreToRead = false;
    const arrival = Math.max(this.lastArrival, Date.now());
    this.lastArrival = arrival;
    let budget = MAX_POLL_BYTES;
    let sawData = false;
    for (const file of await listWatchedFiles(this.patterns)) {
      if (!this.files.has(file)) {
        this.track(file);
        sawData = true;
      }
    }
    // Every file ever seen, in path order: a plain path that vanished and came back is followed again.
    const known = [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const file of known) {
      if (budget <= 0) {
        this.moreToRead = true;
        break;
      }
      const used = file.gzip ? await this.pollGzip(file, arrival) : await this.pollPlain(file, budget, arrival);
      if (used > 0) sawData = true;
      budget -= used;
    }
    if (sawData) this.lastDataAt = performance.now();
  }

  /** Reads what has been appended to a plain file (up to `budget` bytes); returns the bytes read. */
  private async pollPlain(file: FileState, budget: number, arrival: Instant): Promise<number> {
    const handle = await fsp.open(file.path, "r").catch(ignoreMissing);
    if (handle === undefined) return 0;
    try {
      const { size } = await handle.stat();
      if (size < file.readPos) {
        // Truncated or replaced: follow it from its start again, like `tail -F` (its old lines stay returned).
        file.readPos = file.lineStart = 0;
        file.carry = [];
      }
      const length = Math.min(size - file.readPos, budget);
      if (length <= 0) return 0;
      // A fresh buffer per read: `carry` keeps slices of it.
      const buf = Buffer.allocUnsafeSlow(length);
      const { bytesRead } = await handle.read(buf, 0, length, file.readPos);
      if (bytesRead < length) this.moreToRead = true;
      this.takeLines(file, buf.subarray(0, bytesRead), arrival);
      if (file.readPos < size) this.moreToRead = true;
      return bytesRead;
    } finally {
      await handle.close();
    }
  }

  /** Queues the complete lines of `chunk`, the bytes of `file` from `readPos` on. */
  private takeLines(file: FileState, chunk: Buffer, arrival: Instant): void {
    const base = file.readPos;
    let i = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, i);
      if (nl < 0) {
        if (i < chunk.length) file.carry.push(chunk.subarray(i));
        break;
      }
      const line = decodeLine(file.carry, chunk, i, nl, file.lineStart === 0);
      file.carry = [];
      file.lineStart = base + nl + 1;
      this.enqueue(file, line, file.lineStart, arrival);
      i = nl + 1;
    }
    file.readPos = base + chunk.length;
  }

  /** Queues the next batch of a gzip file's lines; returns about how many bytes they hold. */
  private async pollGzip(file: FileState, arrival: Instant): Promise<number> {
    if (file.gzipFinished) return 0;
    if (file.gzipLines === undefined) {
      const exists = await fsp.stat(file.path).catch(ignoreMissing);
      if (exists === undefined) return 0;
      file.gzipLines = readGzipLines(file.path);
      file.gzipTaken = 0;
    }
    const next = await file.gzipLines.next();
    if (next.done) {
      file.gzipFinished = true;
      file.gzipLines = undefined;
      return 0;
    }
    this.moreToRead = true;
    let bytes = 0;
    for (const line of next.value) {
      file.gzipTaken++;
      bytes += line.length + 1;
      // Lines a checkpoint says were returned are skipped.
      if (file.gzipTaken > file.emitted) this.enqueue(file, line, file.gzipTaken, arrival);
    }
    return bytes;
  }

  private enqueue(file: FileState, line: string, mark: number, arrival: Instant): void {
    const timestampFn = this.options.timestampFn;
    let timestamp = arrival;
    if (timestampFn !== undefined) {
      timestamp = timestampFn(line, file.path);
      if (!isValidTimestamp(timestamp)) {
        throw new RangeError(
          `readTextStream: timestampFn returned ${String(timestamp)} for line ${JSON.stringify(line.slice(0, 200))} of '${file.path}', ` +
            "not an integer number of ms within the Date range",
        );
      }
    }
    this.queue.push({ value: line, timestamp, file, mark });
  }

  /** Whether `stopAfterIdleMs` have passed without new data. */
  private idle(): boolean {
    const limit = this.options.stopAfterIdleMs;
    return limit !== undefined && performance.now() - this.lastDataAt! >= limit;
  }

  /** At the end of the stream, a last line without `\n` still counts (a byte order mark alone does not). */
  private flushUnterminatedLines(): void {
    const arrival = Math.max(this.lastArrival, Date.now());
    for (const file of this.files.values()) {
      if (file.gzip || file.carry.length === 0) continue;
      const bytes = Buffer.concat(file.carry);
      file.carry = [];
      const atStart = file.lineStart === 0;
      file.lineStart = file.readPos;
      if (atStart && bytes.length === 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) continue;
      this.enqueue(file, decodeLine([], bytes, 0, bytes.length, atStart), file.readPos, arrival);
    }
  }

  /** Returns up to `max` queued lines and moves their files' checkpoints past them. */
  private take(max: number): TimestampedValue<string>[] {
    const n = Math.min(this.queue.length - this.head, Number.isFinite(max) ? Math.max(0, Math.floor(max)) : Infinity);
    const out = new Array<TimestampedValue<string>>(n);
    for (let k = 0; k < n; k++) {
      const q = this.queue[this.head++]!;
      q.file.emitted = q.mark;
      if (q.timestamp > this.maxReturned) this.maxReturned = q.timestamp;
      out[k] = { value: q.value, timestamp: q.timestamp };
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return out;
  }
}


/** Whether a file is read as gzip: by its extension, like `readText`. */
function isGzip(filePath: string): boolean {
  return filePath.toLowerCase().endsWith(".gz");
}

function nonNegative(name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new RangeError(`readTextStream: '${name}' must be a number of ms >= 0, got ${String(v)}`);
}
