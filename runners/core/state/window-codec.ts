/**
 * Windows as plain data, for snapshots of grouping state (which parallel runners ship between workers).
 * @module
 */
import { GLOBAL_WINDOW, GlobalWindow, IntervalWindow, type BoundedWindow } from "../../../sdk/model/window.js";
import type { WindowFn } from "../../../sdk/model/window-fn.js";

/** A window as plain data: 0 for the global window, `[start, end]` for an interval window, `{ c }` for a custom one. */
export type WindowData = 0 | [number, number] | { readonly c: unknown };

/**
 * Encodes a window; custom window types need the WindowFn's `windowCoder`.
 * @example
 * encodeWindowData(new IntervalWindow(0, 10), fn); // [0, 10]
 */
export function encodeWindowData(w: BoundedWindow, windowFn: WindowFn): WindowData {
  if (w instanceof GlobalWindow) return 0;
  if (w instanceof IntervalWindow) return [w.start, w.end];
  if (windowFn.windowCoder) return { c: windowFn.windowCoder.encode(w) };
  throw new Error(
    `cannot snapshot window ${String(w)} (${w.constructor?.name ?? typeof w}): give ${windowFn.description} a windowCoder to encode its window type`,
  );
}

/**
 * Decodes what {@link encodeWindowData} made.
 * @example
 * decodeWindowData([0, 10], fn).id; // "0:10"
 */
export function decodeWindowData(d: WindowData, windowFn: WindowFn): BoundedWindow {
  if (d === 0) return GLOBAL_WINDOW;
  if (Array.isArray(d)) return new IntervalWindow(d[0], d[1]);
  if (!windowFn.windowCoder) throw new Error(`cannot restore a custom window: ${windowFn.description} has no windowCoder`);
  return windowFn.windowCoder.decode(d.c);
}
