/**
 * Beam's `ActiveWindowSet`: which windows of a key are open, and merging a new window into them.
 * @module
 */
import { IntervalWindow, type BoundedWindow } from "../../../sdk/model/window.js";
import { Sessions } from "../../../sdk/model/window-fns.js";
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import type { StateInternals } from "../state/state-internals.js";
import { KEY_NAMESPACE } from "../state/state-namespace.js";
import { StateTags, type ValueTag } from "../state/state-tags.js";
import { userCodeError } from "../user-code-error.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "../../../sdk/model/window-coder.js";

/**
 * A key's open windows, in the order they became open, changed in place. A key with many (Nexmark's hot auctions:
 * every bid after the auction closed is a window of its own until garbage collection) also gets an index by id, so
 * that looking a window up does not scan them all for every element.
 */
class OpenWindows {
  private index: Map<string, BoundedWindow> | undefined;

  constructor(readonly list: BoundedWindow[]) {}

  get(id: string): BoundedWindow | undefined {
    const index = this.index ?? (this.list.length > INDEX_FROM ? this.buildIndex() : undefined);
    if (index) return index.get(id);
    for (const w of this.list) if (w.id === id) return w;
    return undefined;
  }

  add(window: BoundedWindow): void {
    this.list.push(window);
    this.index?.set(window.id, window);
  }

  remove(window: BoundedWindow): void {
    const i = this.list.findIndex((w) => w.id === window.id);
    if (i < 0) return;
    this.list.splice(i, 1);
    this.index?.delete(window.id);
  }

  private buildIndex(): Map<string, BoundedWindow> {
    return (this.index = new Map(this.list.map((w) => [w.id, w])));
  }
}

/** Open windows a key may have before lookups go through an index. */
const INDEX_FROM = 4;

const NONE: readonly BoundedWindow[] = Object.freeze([]);

/**
 * The open windows of each key under a merging WindowFn (Beam's `MergingActiveWindowSet`; Sluice merges state
 * eagerly, so a window's state always lives in its own namespace and the set is just the open windows).
 *
 * State, per key:
 * - `activeWindows` (value, {@link KEY_NAMESPACE}): the key's open windows (trigger not finished), in the order
 *   they became open. A window joins with its first element or as a merge result, and leaves when it is merged
 *   away, when its trigger closes (a closed window no longer merges: an element whose window overlaps it starts
 *   a new session), or at garbage collection. Lifetime: cleared with the key's last open window.
 * @example
 * const active = new MergingActiveWindowSet(state, sessions, "Sessions/GroupByKey");
 * const target = active.merge(key, window, (sources, result) => true); // the window the element goes to
 */
export class MergingActiveWindowSet {
  readonly tag: ValueTag<OpenWindows>;
  /** Whether the WindowFn merges as Sessions do: windows sharing an instant (`mergeOverlappingIntervals`). */
  private readonly mergesByOverlap: boolean;

  constructor(
    private readonly state: StateInternals,
    private readonly windowFn: WindowFn,
    private readonly step: string,
  ) {
    // The built-in rule exactly (a subclass that merges otherwise keeps the general path).
    this.mergesByOverlap = windowFn.mergeWindows === Sessions.prototype.mergeWindows;
    this.tag = StateTags.value<OpenWindows>("activeWindows", {
      encode: (open) => open.list.map((w) => encodeWindowData(w, windowFn)),
      decode: (d) => new OpenWindows((d as WindowData[]).map((w) => decodeWindowData(w, windowFn))),
    });
  }

  private open(key: unknown): OpenWindows | undefined {
    return this.state.state(key, KEY_NAMESPACE, this.tag).read();
  }

  windows(key: unknown): readonly BoundedWindow[] {
    return this.open(key)?.list ?? NONE;
  }

  isActive(key: unknown, window: BoundedWindow): boolean {
    return this.open(key)?.get(window.id) !== undefined;
  }

  add(key: unknown, window: BoundedWindow): void {
    const open = this.open(key);
    if (open === undefined) this.state.state(key, KEY_NAMESPACE, this.tag).write(new OpenWindows([window]));
    else if (open.get(window.id) === undefined) open.add(window);
  }

  remove(key: unknown, window: BoundedWindow): void {
    const open = this.open(key);
    if (open === undefined) return;
    open.remove(window);
    if (open.list.length === 0) this.state.state(key, KEY_NAMESPACE, this.tag).clear();
  }

  /**
   * Merges a new element's window with the key's open windows (Beam's `MergingActiveWindowSet.merge`): for each
   * merge `onMerge(sources, result)` moves the state (sources: the open windows merged; it removes them from the
   * set and returns whether `result` is open). Returns the window the element goes to.
   */
  merge(key: unknown, window: BoundedWindow, onMerge: (sources: BoundedWindow[], result: BoundedWindow) => boolean): BoundedWindow {
    const open = this.open(key);
    if (open === undefined) return window;
    if (open.get(window.id) !== undefined) return window; // already open: nothing new to merge
    if (this.mergesByOverlap) return this.mergeOverlapping(key, open.list as IntervalWindow[], window as IntervalWindow, onMerge);
    let merges;
    try {
      merges = this.windowFn.mergeWindows!([...open.list, window]);
    } catch (e) {
      throw userCodeError(this.step, e);
    }
    // Every merge is checked and its sources found before the first one moves state (which changes the set).
    const planned: [BoundedWindow[], BoundedWindow][] = [];
    let target = window;
    const seen = new Set<string>();
    for (const m of merges) {
      if (m.merged.length < 2) continue;
      const ids = new Set<string>();
      for (const w of m.merged) ids.add(w.id);
      if (ids.size < 2) continue;
      const sources: BoundedWindow[] = [];
      for (const id of ids) {
        const source = id === window.id ? undefined : open.get(id);
        if (seen.has(id) || (source === undefined && id !== window.id)) {
          throw new Error(`${this.step}: ${this.windowFn.description}.mergeWindows returned window ${id} that it was not given, or in two merges`);
        }
        seen.add(id);
        if (source) sources.push(source);
      }
      if (ids.has(window.id)) target = m.result;
      planned.push([sources, m.result]);
    }
    for (const [sources, result] of planned) if (onMerge(sources, result)) this.add(key, result);
    return target;
  }

  /**
   * {@link merge} for Sessions' rule, without the general path's arrays: the key's open windows never overlap one
   * another (every overlap was merged when it arose), so those the new window intersects, with it, form the one
   * merge there is: the same sources, in the same (start) order, and the same result as `mergeOverlappingIntervals`.
   */
  private mergeOverlapping(key: unknown, open: readonly IntervalWindow[], window: IntervalWindow, onMerge: (sources: BoundedWindow[], result: BoundedWindow) => boolean): BoundedWindow {
    let sources: IntervalWindow[] | undefined;
    let start = window.start;
    let end = window.end;
    for (const w of open) {
      if (!(w.start < window.end && window.start < w.end)) continue;
      (sources ??= []).push(w);
      if (w.start < start) start = w.start;
      if (w.end > end) end = w.end;
    }
    if (sources === undefined) return window;
    if (sources.length > 1) sources.sort((a, b) => a.start - b.start);
    const result = sources.find((w) => w.start === start && w.end === end) ?? (window.start === start && window.end === end ? window : new IntervalWindow(start, end));
    if (onMerge(sources, result)) this.add(key, result);
    return result;
  }
}
