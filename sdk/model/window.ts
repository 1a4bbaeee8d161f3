/**
 * Windows: the finite slices of event time that grouping happens in. Every element of every PCollection lives in
 * one window (an element assigned to several windows travels as one copy per window).
 * @module
 */
import { END_OF_GLOBAL_WINDOW, type Instant } from "./time.js";

/** A window with an end: every element in it has a timestamp at most {@link BoundedWindow.maxTimestamp}. */
export interface BoundedWindow {
  /** The last timestamp inside the window; the watermark passing it means the window is complete. */
  maxTimestamp(): Instant;
  /**
   * A string equal for equal windows and different otherwise; used to group by window without relying on object
   * identity, and stable across threads and processes.
   */
  readonly id: string;
}

/**
 * The single window that spans all of time; the default window of every PCollection. Use the one instance,
 * {@link GLOBAL_WINDOW}.
 * @example
 * GLOBAL_WINDOW.maxTimestamp() === END_OF_GLOBAL_WINDOW; // true
 * ctx.window instanceof GlobalWindow; // in a DoFn: is the element globally windowed?
 */
export class GlobalWindow implements BoundedWindow {
  /** The one instance: windows compare by {@link BoundedWindow.id}, but the global one is also a singleton. */
  static readonly INSTANCE = new GlobalWindow();
  readonly id = "global";
  private constructor() {}
  maxTimestamp(): Instant {
    return END_OF_GLOBAL_WINDOW;
  }
  toString(): string {
    return "GlobalWindow";
  }
}

/**
 * A window `[start, end)` of event time, as produced by fixed, sliding and session windowing.
 * @example
 * const w = new IntervalWindow(0, 60_000); // the first minute after the epoch
 * w.maxTimestamp(); // 59_999
 */
export class IntervalWindow implements BoundedWindow {
  readonly id: string;
  constructor(
    /** Inclusive start. */
    readonly start: Instant,
    /** Exclusive end. */
    readonly end: Instant,
  ) {
    if (!(end > start)) throw new RangeError(`IntervalWindow end (${end}) must be after its start (${start})`);
    this.id = `${start}:${end}`;
  }
  maxTimestamp(): Instant {
    return this.end - 1;
  }
  /** Whether the two windows share at least one instant. */
  intersects(other: IntervalWindow): boolean {
    return this.start < other.end && other.start < this.end;
  }
  /** The smallest window covering both. */
  span(other: IntervalWindow): IntervalWindow {
    return new IntervalWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }
  toString(): string {
    return `[${new Date(this.start).toISOString()}, ${new Date(this.end).toISOString()})`;
  }
}

/** The global window, for convenience. */
export const GLOBAL_WINDOW: GlobalWindow = GlobalWindow.INSTANCE;
