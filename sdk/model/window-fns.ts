/**
 * The built-in interval windowings: fixed, sliding and session windows. Each validates its parameters when it is
 * constructed and has a stable `description`, which is part of the graph fingerprint.
 *
 * Window bounds are half-open `[start, end)` in milliseconds; an element belongs to a window when
 * `start <= timestamp < end`. Near the end of time a window is truncated to end just after the end of the global
 * window (as Beam's FixedWindows does), so that every window can still fire and be garbage collected.
 * @module
 */
import { IntervalWindow } from "./window.js";
import type { WindowCoder, WindowFn, WindowMerge } from "./window-fn.js";
import { intervalWindowCoder } from "./window-coder.js";
import { END_OF_GLOBAL_WINDOW, formatInstant, type Instant } from "./time.js";

/** The exclusive end of the last representable interval window: one past the end of the global window. */
const END_OF_TIME_EXCLUSIVE = END_OF_GLOBAL_WINDOW + 1;

/**
 * Fixed (tumbling) windows: consecutive, non-overlapping windows of `size` ms, starting at multiples of `size`
 * shifted by `offset`.
 * @example
 * events.apply(windowInto(new FixedWindows(60_000)));          // [00:00, 01:00), [01:00, 02:00), ...
 * events.apply(windowInto(new FixedWindows(60_000, 15_000)));  // [00:15, 01:15), ...
 */
export class FixedWindows implements WindowFn<IntervalWindow> {
  readonly description: string;
  readonly windowCoder: WindowCoder<IntervalWindow> = intervalWindowCoder;
  /** The last window assigned: consecutive elements mostly share it, so it is reused (windows are immutable). */
  private last: readonly IntervalWindow[] = [];
  private lastStart = 0;
  private lastEnd = 0;

  constructor(
    /** Window length in ms: a positive integer. */
    readonly size: number,
    /** Where windows start relative to the epoch, in ms: an integer with `0 <= offset < size`. */
    readonly offset = 0,
  ) {
    positiveInteger("FixedWindows", "size", size);
    offsetWithin("FixedWindows", offset, "size", size);
    this.description = `FixedWindows(size=${size}ms, offset=${offset}ms)`;
  }

  assignWindows(timestamp: Instant): readonly IntervalWindow[] {
    if (timestamp >= this.lastStart && timestamp < this.lastEnd) return this.last;
    checkAssignable("FixedWindows", timestamp);
    // Floor modulo (like Beam Python): the window always contains the timestamp, negative ones included.
    const start = timestamp - floorMod(timestamp - this.offset, this.size);
    const window = new IntervalWindow(start, Math.min(start + this.size, END_OF_TIME_EXCLUSIVE));
    this.last = Object.freeze([window]);
    this.lastStart = window.start;
    this.lastEnd = window.end;
    return this.last;
  }
}

/**
 * Sliding (hopping) windows: windows of `size` ms starting every `period` ms, so each element is in
 * `size / period` windows (rounded up).
 * @example
 * // Five-minute averages, updated every minute.
 * events.apply(windowInto(new SlidingWindows(5 * 60_000, 60_000)));
 */
export class SlidingWindows implements WindowFn<IntervalWindow> {
  readonly description: string;
  readonly windowCoder: WindowCoder<IntervalWindow> = intervalWindowCoder;
  /** The windows of the last period seen (every timestamp in one period gets the same windows), reused. */
  private last: readonly IntervalWindow[] = [];
  private lastPeriodStart = Number.NaN;

  constructor(
    /** Window length in ms: a positive integer. */
    readonly size: number,
    /** How often a window starts, in ms: a positive integer no larger than `size` (else some elements would be in no window). */
    readonly period: number,
    /** Where windows start relative to the epoch, in ms: an integer with `0 <= offset < period`. */
    readonly offset = 0,
  ) {
    positiveInteger("SlidingWindows", "size", size);
    positiveInteger("SlidingWindows", "period", period);
    if (period > size) {
      throw new RangeError(`SlidingWindows: period (${period}ms) must not exceed size (${size}ms), else elements between windows belong to none`);
    }
    offsetWithin("SlidingWindows", offset, "period", period);
    this.description = `SlidingWindows(size=${size}ms, period=${period}ms, offset=${offset}ms)`;
  }

  assignWindows(timestamp: Instant): readonly IntervalWindow[] {
    checkAssignable("SlidingWindows", timestamp);
    const lastStart = timestamp - floorMod(timestamp - this.offset, this.period);
    if (lastStart === this.lastPeriodStart) return this.last;
    const windows: IntervalWindow[] = [];
    // Every start in (timestamp - size, lastStart], earliest first.
    let start = lastStart;
    while (start - this.period > timestamp - this.size) start -= this.period;
    for (; start <= lastStart; start += this.period) {
      windows.push(new IntervalWindow(start, Math.min(start + this.size, END_OF_TIME_EXCLUSIVE)));
    }
    this.last = Object.freeze(windows);
    this.lastPeriodStart = lastStart;
    return this.last;
  }

  /**
   * Beam's default mapping: the earliest window containing the end of the main window, so a main input windowed
   * the same way reads its own window.
   */
  sideInputWindow(mainMaxTimestamp: Instant): IntervalWindow {
    const start = mainMaxTimestamp - this.size + 1;
    const first = start + floorMod(this.offset - start, this.period);
    return new IntervalWindow(first, Math.min(first + this.size, END_OF_TIME_EXCLUSIVE));
  }
}

/**
 * Session windows: each element starts a window `[timestamp, timestamp + gap)`, and a key's overlapping windows
 * merge, so a session lasts until a gap of at least `gap` ms without data. Merging happens per key inside
 * GroupByKey, so a session's panes, state and timers merge with it.
 * @example
 * // User sessions that end after 30 minutes of inactivity.
 * clicksByUser.apply(windowInto(new Sessions(30 * 60_000))).apply(groupByKey());
 */
export class Sessions implements WindowFn<IntervalWindow> {
  readonly description: string;
  readonly windowCoder: WindowCoder<IntervalWindow> = intervalWindowCoder;
  readonly isMerging = true;

  constructor(
    /** The inactivity gap in ms that ends a session: a positive integer. */
    readonly gap: number,
  ) {
    positiveInteger("Sessions", "gap", gap);
    this.description = `Sessions(gap=${gap}ms)`;
  }

  /** As in Beam: sessions of any gap merge the same way (by overlap), so they may be flattened together. */
  isCompatible(other: WindowFn): boolean {
    return other instanceof Sessions;
  }

  assignWindows(timestamp: Instant): readonly IntervalWindow[] {
    checkAssignable("Sessions", timestamp);
    return [new IntervalWindow(timestamp, Math.min(timestamp + this.gap, END_OF_TIME_EXCLUSIVE))];
  }

  mergeWindows(windows: readonly IntervalWindow[]): WindowMerge<IntervalWindow>[] {
    return mergeOverlappingIntervals(windows);
  }
}

/**
 * Merges overlapping interval windows (windows that share at least one instant; adjacent ones like `[0, 10)` and
 * `[10, 20)` do not merge), as sessions do. Useful for custom merging WindowFns.
 * @example
 * mergeOverlappingIntervals([new IntervalWindow(0, 10), new IntervalWindow(5, 15), new IntervalWindow(20, 30)]);
 * // [{ merged: [[0,10), [5,15)], result: [0,15) }]
 */
export function mergeOverlappingIntervals(windows: readonly IntervalWindow[]): WindowMerge<IntervalWindow>[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start || a.end - b.end);
  const merges: WindowMerge<IntervalWindow>[] = [];
  let group: IntervalWindow[] = [];
  let start = 0;
  let end = 0;
  const close = (): void => {
    if (group.length > 1) {
      const existing = group.find((w) => w.start === start && w.end === end);
      merges.push({ merged: group, result: existing ?? new IntervalWindow(start, end) });
    }
  };
  for (const w of sorted) {
    if (group.length > 0 && w.start < end) {
      group.push(w);
      if (w.end > end) end = w.end;
    } else {
      close();
      group = [w];
      start = w.start;
      end = w.end;
    }
  }
  close();
  return merges;
}

/** `a mod n` with the sign of `n` (so the result is in `[0, n)` for positive `n`). */
function floorMod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function positiveInteger(fn: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${fn}: ${name} must be a positive integer number of milliseconds, got ${String(value)}`);
  }
}

function offsetWithin(fn: string, offset: number, boundName: string, bound: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= bound) {
    throw new RangeError(`${fn}: offset must be an integer with 0 <= offset < ${boundName} (${bound}ms), got ${String(offset)}`);
  }
}

function checkAssignable(fn: string, timestamp: Instant): void {
  if (timestamp > END_OF_GLOBAL_WINDOW) {
    throw new RangeError(`${fn}: timestamp ${formatInstant(timestamp)} is after the end of the global window; it cannot be put in an interval window`);
  }
}

/**
 * The windowing of a GroupByKey's output when its input used merging windows (as in Beam): the merged windows
 * travel on with the elements, but they cannot be merged again, so grouping them a second time without
 * re-windowing is an error at construction, and re-assigning windows through it fails.
 * @example
 * const grouped = sessions.apply(groupByKey());   // grouped.windowing.windowFn is InvalidWindows
 * grouped.apply(windowInto(new FixedWindows(60_000))).apply(groupByKey()); // fine: re-windowed first
 */
export class InvalidWindows implements WindowFn {
  readonly description: string;
  /** The consumed windowing's coder: the merged windows that travel on are its windows. */
  readonly windowCoder: WindowCoder | undefined;

  constructor(
    /** Why the windowing cannot be used (shown in errors). */
    readonly cause: string,
    /** The windowing that was consumed. */
    readonly original: WindowFn,
  ) {
    this.description = `InvalidWindows(${original.description})`;
    this.windowCoder = original.windowCoder;
  }

  assignWindows(): never {
    throw new Error(`cannot assign windows with ${this.description}: ${this.cause}`);
  }
}
