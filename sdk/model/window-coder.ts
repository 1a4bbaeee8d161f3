/**
 * The window coder: how a window travels wherever elements leave a worker — bundles and shuffle records between
 * threads and processes, records spilled to disk, grouping-state snapshots, and (as data) a windowed write's
 * keys. A window is encoded by its PCollection's {@link WindowFn.windowCoder}; the global and interval windows
 * have built-in coders ({@link globalWindowCoder}, {@link intervalWindowCoder}), used by every built-in
 * windowing and by any WindowFn without a coder of its own.
 *
 * Encoded windows are plain data ({@link WindowData}): `0` for the global window, `[start, end]` for an
 * {@link IntervalWindow} (of that exact class), `{ c }` for what a custom coder made. The two common forms cost
 * no more than the window's own fields, so the common case stays cheap.
 * @module
 */
import { GLOBAL_WINDOW, GlobalWindow, IntervalWindow, type BoundedWindow } from "./window.js";
import type { WindowCoder, WindowFn } from "./window-fn.js";

/** A window as plain data: 0 for the global window, `[start, end]` for an interval window, `{ c }` for a custom one. */
export type WindowData = 0 | readonly [number, number] | CustomWindowData;

/** A window of a custom class, as its WindowFn's `windowCoder` encoded it. */
export interface CustomWindowData {
  /** What the WindowFn's `windowCoder.encode` returned. */
  readonly c: unknown;
}

/**
 * The global window's coder: it has one instance, so it encodes as `0`.
 * @example
 * globalWindowCoder.decode(globalWindowCoder.encode(GLOBAL_WINDOW)) === GLOBAL_WINDOW; // true
 */
export const globalWindowCoder: WindowCoder<GlobalWindow> = Object.freeze({
  encode: (): unknown => 0,
  decode: (): GlobalWindow => GLOBAL_WINDOW,
});

/**
 * The interval window's coder: `[start, end]`. It refuses instances of subclasses of {@link IntervalWindow}, whose
 * own fields it would lose: a subclass needs a coder of its own (which may delegate to this one for the bounds).
 * @example
 * intervalWindowCoder.encode(new IntervalWindow(0, 60_000)); // [0, 60000]
 * intervalWindowCoder.decode([0, 60_000]);                   // new IntervalWindow(0, 60_000)
 */
export const intervalWindowCoder: WindowCoder<IntervalWindow> = Object.freeze({
  encode(window: IntervalWindow): unknown {
    if (window.constructor !== IntervalWindow) throw subclassError(window);
    return [window.start, window.end];
  },
  decode(data: unknown): IntervalWindow {
    const [start, end] = data as [number, number];
    return new IntervalWindow(start, end);
  },
});

/** Whether `coder` is one of the built-in coders, whose windows have the compact forms `0` and `[start, end]`. */
function isBuiltIn(coder: object | undefined): boolean {
  return coder === undefined || coder === globalWindowCoder || coder === intervalWindowCoder;
}

/**
 * Encodes a window of a PCollection windowed by `windowFn` with its coder: the global window and (exact)
 * interval windows in their compact forms whatever the coder; any other window with the WindowFn's own
 * `windowCoder`.
 * @throws Error for a window no coder can encode faithfully: a custom window class whose WindowFn has no
 *   `windowCoder`, or a subclass of IntervalWindow (whose fields the interval coder would lose)
 * @example
 * encodeWindowData(new IntervalWindow(0, 10), new FixedWindows(10)); // [0, 10]
 * encodeWindowData(new AuctionWindow(0, 10, 7), auctionWindows);     // { c: [0, 10, 7] }
 */
export function encodeWindowData(window: BoundedWindow, windowFn: WindowFn): WindowData {
  if (window === GLOBAL_WINDOW) return 0;
  const ctor = window.constructor;
  if (ctor === IntervalWindow) return [(window as IntervalWindow).start, (window as IntervalWindow).end];
  const coder = windowFn.windowCoder as WindowCoder<BoundedWindow> | undefined;
  if (!isBuiltIn(coder)) return { c: coder!.encode(window) };
  if (window instanceof GlobalWindow) return 0;
  throw window instanceof IntervalWindow
    ? subclassError(window, windowFn)
    : new Error(
        `cannot encode window ${describe(window)} (a ${ctor?.name ?? typeof window}) of ${windowFn.description}: ` +
          `only the global and interval windows have built-in coders; give ${windowFn.description} a windowCoder for its windows`,
      );
}

/**
 * Decodes what {@link encodeWindowData} made, with the same WindowFn.
 * @example
 * decodeWindowData([0, 10], new FixedWindows(10)).id; // "0:10"
 */
export function decodeWindowData(data: WindowData, windowFn: WindowFn): BoundedWindow {
  if (data === 0) return GLOBAL_WINDOW;
  if (Array.isArray(data)) return new IntervalWindow(data[0], data[1]);
  const coder = windowFn.windowCoder;
  if (isBuiltIn(coder)) throw new Error(`cannot decode a custom window: ${windowFn.description} has no windowCoder`);
  return coder!.decode((data as { c: unknown }).c);
}

function subclassError(window: IntervalWindow, windowFn?: WindowFn): Error {
  return new Error(
    `cannot encode window ${describe(window)} of class ${window.constructor.name}, a subclass of IntervalWindow: the ` +
      `interval window coder would lose its own fields; give ${windowFn ? windowFn.description : "its WindowFn"} a windowCoder for ${window.constructor.name}`,
  );
}

function describe(window: BoundedWindow): string {
  return `'${window.id}'`;
}
