/**
 * A WindowFn that gives each element back the window it already had, read from the element itself. A windowed
 * write uses it to change how its grouping triggers and accumulates without moving any element to another
 * window (re-windowing by timestamp would: an element stamped at the end of a sliding window belongs to several).
 * @module
 */
import { decodeWindowData, type BoundedWindow, type KV, type WindowCoder, type WindowData, type WindowFn } from "../../../sdk/index.js";

/**
 * Assigns a `KV` whose key is a window as its original WindowFn's coder encoded it (`encodeWindowData`) to that
 * window. Consecutive elements mostly share a window, so the last one is reused.
 */
export class KeepWindows implements WindowFn {
  readonly description: string;
  /** The windows are the original WindowFn's: so is their coder. */
  readonly windowCoder: WindowCoder | undefined;
  private lastData: unknown = undefined;
  private last: readonly BoundedWindow[] = [];

  constructor(
    /** The WindowFn that assigned the windows in the first place (its description and its window coder). */
    private readonly original: WindowFn,
  ) {
    this.description = `KeepWindows(${original.description})`;
    this.windowCoder = original.windowCoder;
  }

  assignWindows(_timestamp: number, element: unknown): readonly BoundedWindow[] {
    const data = (element as KV<WindowData, unknown>).key;
    if (data === this.lastData || (Array.isArray(data) && Array.isArray(this.lastData) && data[0] === this.lastData[0] && data[1] === this.lastData[1])) {
      return this.last;
    }
    this.lastData = data;
    this.last = Object.freeze([decodeWindowData(data, this.original)]);
    return this.last;
  }
}
