/**
 * `periodicImpulse`: one element every `intervalMs` of real time, like Beam's `PeriodicImpulse`: a clock for
 * streaming pipelines (refreshing a side input, polling an external system, heartbeats).
 * @module
 */
import {
  isValidTimestamp,
  readUnbounded,
  TIMESTAMP_MAX_VALUE,
  type Instant,
  type PBegin,
  type PCollection,
  type PTransform,
  type TimestampedValue,
  type UnboundedReader,
  type UnboundedSource,
} from "../../sdk/index.js";

/**
 * When {@link periodicImpulse} fires.
 * @example
 * const everyMinuteForAnHour: PeriodicImpulseOptions = { intervalMs: 60_000, stop: Date.now() + 3_600_000 };
 */
export interface PeriodicImpulseOptions {
  /** Time between elements, in ms (a positive integer). */
  readonly intervalMs: number;
  /** The first element's timestamp (default: the wall-clock time when the runner splits the source). */
  readonly start?: Instant;
  /** No element at or after this time (exclusive; default: never stop). */
  readonly stop?: Instant;
}

/**
 * The one split of a periodic impulse: its resolved start (plain data), so every reader of it agrees.
 * @example
 * const split: PeriodicImpulseSplit = { start: Date.parse("2026-01-01T00:00:00Z") };
 */
export interface PeriodicImpulseSplit {
  /** The first element's timestamp. */
  readonly start: Instant;
}

/**
 * The impulse as an {@link UnboundedSource} (see {@link periodicImpulse}). Element `k` is the instant
 * `start + k * intervalMs`, with that timestamp, emitted once the wall clock has reached it. The watermark is
 * the next element's instant; the checkpoint `{ next }` is that instant too.
 * @example
 * const source = periodicImpulseSource({ intervalMs: 1000, start: 0, stop: 5000 });
 * const [split] = await source.split(1);
 * const reader = source.createReader(split!, undefined);
 * await reader.read(10); // 0, 1000, 2000, 3000, 4000 at once: those times are long past
 */
export function periodicImpulseSource(options: PeriodicImpulseOptions): UnboundedSource<Instant, PeriodicImpulseSplit> {
  const { intervalMs, start, stop } = options ?? ({} as PeriodicImpulseOptions);
  if (!(Number.isSafeInteger(intervalMs) && intervalMs > 0)) {
    throw new RangeError(`periodicImpulse: 'intervalMs' must be a positive integer of ms, got ${String(intervalMs)}`);
  }
  if (start !== undefined && !isValidTimestamp(start)) throw new RangeError(`periodicImpulse: 'start' is not a valid timestamp: ${String(start)}`);
  if (stop !== undefined && !isValidTimestamp(stop)) throw new RangeError(`periodicImpulse: 'stop' is not a valid timestamp: ${String(stop)}`);
  return {
    description: `PeriodicImpulse(every ${intervalMs}ms${start === undefined ? "" : ` from ${start}`}${stop === undefined ? "" : ` until ${stop}`})`,
    async split() {
      return [{ start: start ?? Date.now() }];
    },
    createReader(split, checkpoint) {
      if (!isValidTimestamp(split?.start)) throw new TypeError(`periodicImpulse: not a split of this source: ${JSON.stringify(split)}`);
      let next = split.start;
      if (checkpoint !== undefined && checkpoint !== null) {
        const n = (checkpoint as { next?: unknown }).next;
        if (!isValidTimestamp(n) || n < split.start || (n - split.start) % intervalMs !== 0) {
          throw new RangeError(`periodicImpulse: checkpoint ${JSON.stringify(checkpoint)} does not belong to this impulse`);
        }
        next = n;
      }
      return new PeriodicImpulseReader(next, intervalMs, stop ?? TIMESTAMP_MAX_VALUE);
    },
  };
}

/** Reads the impulse; see {@link periodicImpulseSource}. */
class PeriodicImpulseReader implements UnboundedReader<Instant> {
  constructor(
    /** The next instant to emit. */
    private next: Instant,
    private readonly intervalMs: number,
    private readonly stop: Instant,
  ) {}

  get done(): boolean {
    return this.next >= this.stop;
  }

  async read(max: number): Promise<readonly TimestampedValue<Instant>[]> {
    const limit = Math.min(Date.now() + 1, this.stop);
    const out: TimestampedValue<Instant>[] = [];
    while (out.length < max && this.next < limit) {
      out.push({ value: this.next, timestamp: this.next });
      this.next += this.intervalMs;
    }
    return out;
  }

  watermark(): Instant {
    return this.done ? TIMESTAMP_MAX_VALUE : this.next;
  }

  checkpoint(): { next: Instant } {
    return { next: this.next };
  }

  async close(): Promise<void> {}
}

/**
 * One element every `intervalMs`, from `start` (default: when the run starts) until `stop` (exclusive; default
 * never): each element is its own timestamp, emitted once the wall clock reaches it, so elements whose time is
 * already past come at once. The watermark is the next element's time. Unbounded, in the global window.
 * @example
 * const ticks = p.apply(periodicImpulse({ intervalMs: 10_000 }));
 * const heartbeats = ticks.map((t) => `alive at ${new Date(t).toISOString()}`);
 */
export function periodicImpulse(options: PeriodicImpulseOptions): PTransform<PBegin, PCollection<Instant>> {
  const source = periodicImpulseSource(options);
  return {
    name: "PeriodicImpulse",
    expand: (begin) => begin.pipeline.apply(readUnbounded(source)),
  };
}
