/**
 * `generateSequence`: the numbers `from, from + 1, ...` as an unbounded source, optionally up to `to` and at a
 * limited rate. Beam's `GenerateSequence` / `CountingSource`, for streaming tests, benchmarks and load.
 *
 * ```
 *   from = 0, 3 splits:   split 0 → 0 3 6 9 ...   split 1 → 1 4 7 ...   split 2 → 2 5 8 ...
 *   rate = 300/s          each split 100/s: after t seconds it has emitted floor(100 t) numbers (a token count,
 *                         not a timer per element), capped by what `read(max)` asks for
 * ```
 * @module
 */
import {
  isValidTimestamp,
  readUnbounded,
  TIMESTAMP_MAX_VALUE,
  TIMESTAMP_MIN_VALUE,
  type Instant,
  type PBegin,
  type PCollection,
  type PTransform,
  type TimestampedValue,
  type UnboundedReader,
  type UnboundedSource,
} from "../../sdk/index.js";

/**
 * What {@link generateSequence} generates.
 * @example
 * const opts: GenerateSequenceOptions = { from: 1, to: 1001, rate: 200 };
 */
export interface GenerateSequenceOptions {
  /** The first number (a safe integer; default 0). */
  readonly from?: number;
  /** One past the last number (exclusive); without it the sequence never ends. */
  readonly to?: number;
  /** Numbers per second over all splits (default: as fast as the runner reads). */
  readonly rate?: number;
  /**
   * The event timestamp of number `n` (default: the wall-clock time when the number is emitted). It must be
   * non-decreasing in `n` and pure: the watermark of a split is the timestamp of the next number it will emit,
   * so a function that goes backwards makes later numbers late data.
   */
  readonly timestampFn?: (n: number) => Instant;
}

/**
 * One split of a sequence: the numbers `from + index + j * count` for `j = 0, 1, ...`. Plain data.
 * @example
 * const second: SequenceSplit = { index: 1, count: 4 }; // from+1, from+5, from+9, ...
 */
export interface SequenceSplit {
  /** Which of the `count` interleaved parts (0-based). */
  readonly index: number;
  /** How many parts the sequence was split into. */
  readonly count: number;
}

/**
 * Where a sequence reader resumes: the next number its split emits. Plain data.
 * @example
 * const checkpoint: SequenceCheckpoint = { next: 42 };
 */
export interface SequenceCheckpoint {
  /** The next number to emit (every number of the split before it has been emitted). */
  readonly next: number;
}

/**
 * The sequence as an {@link UnboundedSource} (see {@link generateSequence}, which is how pipelines use it).
 * With `to` it is finite, but still read as an unbounded source: its readers are `done` at `to` and their
 * watermark then jumps to the end of time.
 *
 * Split `i` of `k` emits `from + i, from + i + k, ...` at `rate / k` numbers per second, so the splits together
 * emit every number once, at the whole rate. Its watermark is, with the default timestamps, the current time
 * (numbers emitted later are stamped later), and with a `timestampFn`, the timestamp of the next number the
 * split will emit (kept monotone). Its checkpoint is {@link SequenceCheckpoint}.
 * @example
 * const source = sequenceSource({ to: 10 });
 * const [split] = await source.split(1);
 * const reader = source.createReader(split!, undefined);
 * const first = await reader.read(100); // 0..9, stamped with the current time
 */
export function sequenceSource(options: GenerateSequenceOptions = {}): UnboundedSource<number, SequenceSplit> {
  const from = options.from ?? 0;
  const to = options.to;
  const rate = options.rate;
  const timestampFn = options.timestampFn;
  if (!Number.isSafeInteger(from)) throw new RangeError(`generateSequence: 'from' must be a safe integer, got ${String(from)}`);
  if (to !== undefined) {
    if (!Number.isSafeInteger(to)) throw new RangeError(`generateSequence: 'to' must be a safe integer, got ${String(to)}`);
    if (to < from) throw new RangeError(`generateSequence: 'to' (${to}) is before 'from' (${from})`);
  }
  if (rate !== undefined && !(typeof rate === "number" && Number.isFinite(rate) && rate > 0)) {
    throw new RangeError(`generateSequence: 'rate' must be a positive number of elements per second, got ${String(rate)}`);
  }
  if (timestampFn !== undefined && typeof timestampFn !== "function") {
    throw new TypeError("generateSequence: 'timestampFn' must be a function of the number");
  }
  const parts = [`from ${from}`];
  if (to !== undefined) parts.push(`to ${to}`);
  if (rate !== undefined) parts.push(`at ${rate}/s`);
  return {
    description: `GenerateSequence(${parts.join(" ")})`,
    async split(desiredSplits) {
      let count = Number.isFinite(desiredSplits) ? Math.max(1, Math.floor(desiredSplits)) : 1;
      // No split without numbers (but always one, so that an empty sequence still has a reader that is done).
      if (to !== undefined) count = Math.max(1, Math.min(count, to - from));
      return Array.from({ length: count }, (_, index) => ({ index, count }));
    },
    createReader(split, checkpoint) {
      return new SequenceReader(from, to, rate, timestampFn, split, checkpoint);
    },
  };
}

/** Reads one split; see {@link sequenceSource}. Runners call one method at a time. */
class SequenceReader implements UnboundedReader<number> {
  /** The next number this split emits; advances by `step`. */
  private next: number;
  private readonly step: number;
  /** Numbers per millisecond for this split, or undefined for no limit. */
  private readonly perMs: number | undefined;
  /** `performance.now()` at the first `read` (the rate limiter's origin), or undefined before it. */
  private startedAt: number | undefined;
  /** Numbers emitted since `startedAt` (the limiter allows `floor(elapsed * rate) - emitted` more). */
  private emitted = 0;
  /** The last watermark returned: watermarks never go back. */
  private lastWatermark: Instant = TIMESTAMP_MIN_VALUE;

  constructor(
    from: number,
    private readonly to: number | undefined,
    rate: number | undefined,
    private readonly timestampFn: ((n: number) => Instant) | undefined,
    split: SequenceSplit,
    checkpoint: unknown,
  ) {
    const { index, count } = split ?? ({} as Partial<SequenceSplit>);
    if (!Number.isSafeInteger(count) || count! < 1 || !Number.isSafeInteger(index) || index! < 0 || index! >= count!) {
      throw new RangeError(`generateSequence: not a split of this source: ${JSON.stringify(split)}`);
    }
    this.step = count!;
    this.perMs = rate === undefined ? undefined : rate / count! / 1000;
    this.next = from + index!;
    if (checkpoint !== undefined && checkpoint !== null) {
      const next = (checkpoint as Partial<SequenceCheckpoint>).next;
      if (!Number.isSafeInteger(next) || next! < this.next || (next! - this.next) % this.step !== 0) {
        throw new RangeError(`generateSequence: checkpoint ${JSON.stringify(checkpoint)} does not belong to split ${index} of ${count}`);
      }
      this.next = next!;
    }
  }

  get done(): boolean {
    return this.to !== undefined && this.next >= this.to;
  }

  async read(max: number): Promise<readonly TimestampedValue<number>[]> {
    let n = Number.isFinite(max) ? Math.max(0, Math.floor(max)) : Number.MAX_SAFE_INTEGER;
    if (this.to !== undefined) n = Math.min(n, Math.max(0, Math.ceil((this.to - this.next) / this.step)));
    if (this.perMs !== undefined) {
      const now = performance.now();
      this.startedAt ??= now;
      n = Math.min(n, Math.floor((now - this.startedAt) * this.perMs) - this.emitted);
    }
    if (n <= 0) return [];
    const out = new Array<TimestampedValue<number>>(n);
    const wallClock = this.timestampFn === undefined ? Date.now() : 0;
    // The state moves only once the whole batch is made, so a throwing timestampFn loses no number.
    let value = this.next;
    for (let j = 0; j < n; j++, value += this.step) {
      out[j] = { value, timestamp: this.timestampFn === undefined ? wallClock : this.timestampOf(value) };
    }
    this.next = value;
    this.emitted += n;
    return out;
  }

  watermark(): Instant {
    if (this.done) return TIMESTAMP_MAX_VALUE;
    // Default timestamps: whatever is emitted from now on is stamped now or later.
    const estimate = this.timestampFn === undefined ? Date.now() : this.timestampOf(this.next);
    if (estimate > this.lastWatermark) this.lastWatermark = estimate;
    return this.lastWatermark;
  }

  checkpoint(): SequenceCheckpoint {
    return { next: this.next };
  }

  async close(): Promise<void> {}

  private timestampOf(n: number): Instant {
    const t = this.timestampFn!(n);
    if (!isValidTimestamp(t)) {
      throw new RangeError(`generateSequence: timestampFn(${n}) returned ${String(t)}, not an integer number of ms within the Date range`);
    }
    return t;
  }
}

/**
 * The numbers `from` (default 0) up to `to` (exclusive; without it, forever), as an unbounded PCollection in the
 * global window. With `rate`, about that many numbers a second (over all splits); without, as fast as the runner
 * reads. Each number is stamped with the wall-clock time it is emitted, or with `timestampFn(n)`, which must be
 * non-decreasing in `n` (the watermark follows it). Splits interleave the numbers, so a runner that reads
 * several splits in parallel sees every number exactly once. See {@link sequenceSource} for the source itself.
 * @example
 * const perWindow = p
 *   .apply(generateSequence({ to: 1000, rate: 100, timestampFn: (n) => n * 10 }))
 *   .apply(windowInto(new FixedWindows(1000)))
 *   .map((n) => kv(n % 2 === 0 ? "even" : "odd", n))
 *   .apply(countPerKey()); // per 1 s window: { key: "even", value: 50 }, { key: "odd", value: 50 }
 */
export function generateSequence(options: GenerateSequenceOptions = {}): PTransform<PBegin, PCollection<number>> {
  const source = sequenceSource(options);
  return {
    name: "GenerateSequence",
    expand: (begin) => begin.pipeline.apply(readUnbounded(source)),
  };
}
