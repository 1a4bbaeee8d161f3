/**
 * The writing side of a shuffle, as the core sees it. Each runner provides the transport: the direct runner hands
 * records straight to the grouping side; parallel runners partition them by {@link keyHash} and move them between
 * workers. The invariant every implementation keeps: all records of one key (in one window) reach the same
 * grouping side, each exactly once, and only once the bundle that wrote them has committed.
 * @module
 */
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { Instant } from "../../sdk/model/time.js";

/** One record entering a shuffle: a value (or, for a lifted combine, an accumulator) of a key in a window. */
export interface ShuffleRecord {
  readonly key: unknown;
  readonly window: BoundedWindow;
  readonly timestamp: Instant;
  readonly value: unknown;
}

/** Where a stage writes the records of one shuffle. */
export interface ShuffleWriter {
  /**
   * Writes one record. `element` is the whole KV the record was taken from (absent for a lifted combine's
   * accumulators): a transport encoding with the GroupByKey input's own coder encodes it whole.
   */
  write(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown, element?: unknown): void;
  /** The bundle finished: its records become visible to the grouping side. */
  commit(): void;
}
