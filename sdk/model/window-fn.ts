/**
 * WindowFns decide which windows an element belongs to. Only global windowing exists in this release; the
 * interface is the one fixed, sliding, session and custom windowing implement.
 * @module
 */
import { GLOBAL_WINDOW, type BoundedWindow } from "./window.js";
import type { Instant } from "./time.js";

/**
 * Assigns elements to windows. Implementations must be deterministic: the same element and timestamp always get
 * the same windows, on every worker.
 * @example
 * const everything: WindowFn = new GlobalWindows();
 * everything.assignWindows(Date.now(), "element"); // [GLOBAL_WINDOW]
 */
export interface WindowFn<W extends BoundedWindow = BoundedWindow> {
  /** Describes the windowing (e.g. `"GlobalWindows"`, `"FixedWindows(60s)"`); part of the graph fingerprint. */
  readonly description: string;
  /** The windows an element with this timestamp belongs to (at least one, unless it is to be dropped). */
  assignWindows(timestamp: Instant, element: unknown): readonly W[];
  /** Merging windowing (sessions) merges overlapping windows of a key; absent for non-merging windowing. */
  readonly isMerging?: boolean;
}

/**
 * The default windowing: everything in one window that ends at the end of time.
 * @example
 * pcoll.apply(windowInto(new GlobalWindows()));
 */
export class GlobalWindows implements WindowFn<BoundedWindow> {
  readonly description = "GlobalWindows";
  private static readonly WINDOWS: readonly BoundedWindow[] = Object.freeze([GLOBAL_WINDOW]);
  assignWindows(): readonly BoundedWindow[] {
    return GlobalWindows.WINDOWS;
  }
}
