/**
 * A WindowFn that gives each element back the window it already had, read from the element itself. A windowed
 * write uses it to change how its grouping triggers and accumulates without moving any element to another
 * window (re-windowing by timestamp would: an element stamped at the end of a sliding window belongs to several).
 * @module
 */
import { GLOBAL_WINDOW, IntervalWindow, type BoundedWindow, type KV, type WindowFn } from "../../../sdk/index.js";
import { parseIntervalWindowId, unsupportedWindow } from "./shard-names.js";

/**
 * Assigns a `KV` whose key is a window id (`"global"`, or `"start:end"` for an interval window) to that window.
 * Consecutive elements mostly share a window, so the last one is reused.
 */
export class KeepWindows implements WindowFn {
  readonly description: string;
  private lastId = "";
  private last: readonly BoundedWindow[] = [];

  constructor(
    /** The WindowFn that assigned the windows in the first place (only for the description). */
    original: WindowFn,
  ) {
    this.description = `KeepWindows(${original.description})`;
  }

  assignWindows(_timestamp: number, element: unknown): readonly BoundedWindow[] {
    const id = (element as KV<string, unknown>).key;
    if (id === this.lastId) return this.last;
    let window: BoundedWindow;
    if (id === "global") {
      window = GLOBAL_WINDOW;
    } else {
      const bounds = parseIntervalWindowId(id);
      if (bounds === undefined) throw unsupportedWindow(id);
      window = new IntervalWindow(bounds[0], bounds[1]);
    }
    this.lastId = id;
    this.last = Object.freeze([window]);
    return this.last;
  }
}
