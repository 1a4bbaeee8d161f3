/**
 * WindowFns decide which windows an element belongs to. This module holds the interface every windowing
 * implements (built-in or custom) and the default, global windowing; fixed, sliding and session windowing are in
 * `window-fns.ts`.
 * @module
 */
import { GLOBAL_WINDOW, type BoundedWindow } from "./window.js";
import { globalWindowCoder } from "./window-coder.js";
import type { Instant } from "./time.js";

/**
 * One merge a merging WindowFn asks for: the windows in `merged` (two or more of the windows it was given) become
 * the single window `result`, which may be one of them or a new window.
 */
export interface WindowMerge<W extends BoundedWindow = BoundedWindow> {
  /** The windows that merge (each one of the windows passed to `mergeWindows`). */
  readonly merged: readonly W[];
  /** The window they merge into. */
  readonly result: W;
}

/**
 * How a window type travels wherever elements leave a worker (bundles and shuffle records between threads and
 * processes, spill files, snapshots of grouping state): to plain, msgpack-encodable data and back. The global
 * and interval windows have built-in coders (`globalWindowCoder`, `intervalWindowCoder`); a WindowFn whose
 * windows are of another class, including a subclass of IntervalWindow with fields of its own, needs one, or
 * its windows fail to cross (with an error naming the step) instead of arriving without their fields.
 * @example
 * // A session per auction: an interval window that also carries the auction's id.
 * class AuctionWindow extends IntervalWindow {
 *   constructor(start: number, end: number, readonly auction: number) {
 *     super(start, end);
 *   }
 * }
 * const auctionWindowCoder: WindowCoder<AuctionWindow> = {
 *   encode: (w) => [w.start, w.end, w.auction],
 *   decode: (d) => { const [s, e, a] = d as number[]; return new AuctionWindow(s!, e!, a!); },
 * };
 */
export interface WindowCoder<W extends BoundedWindow = BoundedWindow> {
  /** Plain data (msgpack-encodable) for the window. */
  encode(window: W): unknown;
  /** The window `encode` described. */
  decode(data: unknown): W;
}

/**
 * Assigns elements to windows. Implementations must be deterministic: the same element and timestamp always get
 * the same windows, on every worker.
 *
 * A custom WindowFn implements `assignWindows` (and `description`, which is part of the graph fingerprint). A
 * merging one (like sessions) also sets `isMerging` and implements `mergeWindows`: GroupByKey calls it per key with
 * the key's open windows plus the new element's window, and merges the state and pending panes of each group.
 * @example
 * // Even and odd seconds, as a custom (non-merging) WindowFn.
 * class Parity implements WindowFn<IntervalWindow> {
 *   readonly description = "Parity";
 *   assignWindows(timestamp: Instant): IntervalWindow[] {
 *     const second = Math.floor(timestamp / 1000) * 1000;
 *     return [new IntervalWindow(second, second + 1000)];
 *   }
 * }
 * events.apply(windowInto(new Parity()));
 */
export interface WindowFn<W extends BoundedWindow = BoundedWindow> {
  /** Describes the windowing (e.g. `"GlobalWindows"`, `"FixedWindows(size=60000ms, offset=0ms)"`); part of the graph fingerprint. */
  readonly description: string;
  /**
   * The windows an element with this timestamp belongs to. Usually at least one; an empty result drops the
   * element, as in Beam (a WindowFn may use that to filter, though a `filter` step says it more clearly).
   */
  assignWindows(timestamp: Instant, element: unknown): readonly W[];
  /** Merging windowing (sessions) merges overlapping windows of a key; absent or false for non-merging windowing. */
  readonly isMerging?: boolean;
  /**
   * For merging windowing: given a key's windows (its open windows and the new element's), the merges to perform.
   * Windows not mentioned stay as they are. Must be deterministic and must not return a window in two merges.
   */
  mergeWindows?(windows: readonly W[]): WindowMerge<W>[];
  /**
   * How its windows are encoded where elements leave a worker (see {@link WindowCoder}). Needed for window types
   * other than the global and interval windows; absent means the built-in coders of those two.
   */
  readonly windowCoder?: WindowCoder<W>;
  /**
   * Its default window mapping for side inputs (Beam's `getDefaultWindowMappingFn`, which reads only the main
   * window's end): the window of a side input windowed by this WindowFn that main input windows whose last
   * timestamp (`maxTimestamp()`) is `mainMaxTimestamp` read. Absent: of the windows `assignWindows` gives that
   * timestamp, the one ending first. Must not end earlier for a later `mainMaxTimestamp`. Merging WindowFns have
   * no default mapping: a view of a merging-windowed PCollection needs a `windowMappingFn` (Beam refuses sessions
   * in side inputs).
   */
  sideInputWindow?(mainMaxTimestamp: Instant): W;
  /**
   * Whether PCollections windowed by this and by `other` may be flattened together (Beam's `isCompatible`): their
   * windows mean the same to a GroupByKey downstream. Absent: when the descriptions are equal (the same
   * WindowFn with the same parameters). Sessions are compatible with sessions of any gap.
   */
  isCompatible?(other: WindowFn): boolean;
}

/**
 * Whether PCollections windowed by `a` and `b` may be flattened together (see {@link WindowFn.isCompatible}).
 * @example
 * windowFnsCompatible(new Sessions(10), new Sessions(20)); // true
 */
export function windowFnsCompatible(a: WindowFn, b: WindowFn): boolean {
  return a.isCompatible ? a.isCompatible(b) : a.description === b.description;
}

/**
 * The default windowing: everything in one window that ends at the end of time.
 * @example
 * pcoll.apply(windowInto(new GlobalWindows()));
 */
export class GlobalWindows implements WindowFn<BoundedWindow> {
  readonly description = "GlobalWindows";
  readonly windowCoder: WindowCoder<BoundedWindow> = globalWindowCoder as WindowCoder<BoundedWindow>;
  private static readonly WINDOWS: readonly BoundedWindow[] = Object.freeze([GLOBAL_WINDOW]);
  assignWindows(): readonly BoundedWindow[] {
    return GlobalWindows.WINDOWS;
  }
}
