/**
 * Unbounded sources: data that keeps arriving. A runner splits the source, opens a reader per split and polls
 * it; each reader says how far event time has progressed (its watermark) and where to resume after a failure
 * (its checkpoint).
 * @module
 */
import type { Instant } from "./time.js";

/** An element with its event timestamp. */
export interface TimestampedValue<T> {
  /** The element. */
  readonly value: T;
  /** Its event time. */
  readonly timestamp: Instant;
}

/**
 * Makes a {@link TimestampedValue}.
 * @example
 * timestamped("click", Date.parse("2026-01-01T10:00:00Z"));
 */
export function timestamped<T>(value: T, timestamp: Instant): TimestampedValue<T> {
  return { value, timestamp };
}

/**
 * Reads one split of an unbounded source. Runners call one method at a time.
 * @example
 * const reader = source.createReader(split, undefined);
 * const batch = await reader.read(1000); // what is available now, maybe nothing
 */
export interface UnboundedReader<T> {
  /** Up to `max` elements available now (an empty array when none is); never waits long for more. */
  read(max: number): Promise<readonly TimestampedValue<T>[]>;
  /**
   * The reader's watermark: no element it returns later will have an earlier timestamp (late data aside). It
   * is `TIMESTAMP_MAX_VALUE` once {@link done}.
   */
  watermark(): Instant;
  /** True when the split is finished: no more elements will come. */
  readonly done: boolean;
  /** Where to resume after what has been read so far (plain, msgpack-encodable data). */
  checkpoint(): unknown;
  /** Releases the reader's resources. */
  close(): Promise<void>;
}

/**
 * A source of elements that keep arriving.
 * @typeParam T the element type
 * @typeParam S a split's description (plain data, sent to workers)
 * @example
 * p.apply(readUnbounded(mySource)).apply(windowInto(new FixedWindows(60_000)));
 */
export interface UnboundedSource<T, S = unknown> {
  /** Names the source in the graph and in errors. */
  readonly description: string;
  /** Splits the source into about `desiredSplits` independent parts (fewer is fine). */
  split(desiredSplits: number): Promise<readonly S[]>;
  /** Opens a reader for a split, resuming from `checkpoint` when given. */
  createReader(split: S, checkpoint: unknown): UnboundedReader<T>;
}

/** Whether a source is unbounded (has readers) rather than bounded (is read split by split). */
export function isUnboundedSource(source: object): source is UnboundedSource<unknown> {
  return typeof (source as { createReader?: unknown }).createReader === "function";
}
