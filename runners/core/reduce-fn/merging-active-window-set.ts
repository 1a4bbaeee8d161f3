/**
 * Beam's `ActiveWindowSet`: which windows of a key are open, and merging a new window into them.
 * @module
 */
import type { BoundedWindow, IntervalWindow } from "../../../sdk/model/window.js";
import { Sessions } from "../../../sdk/model/window-fns.js";
import type { WindowFn } from "../../../sdk/model/window-fn.js";
import type { StateInternals } from "../state/state-internals.js";
import { KEY_NAMESPACE } from "../state/state-namespace.js";
import { StateTags, type ValueTag } from "../state/state-tags.js";
import { userCodeError } from "../user-code-error.js";
import { decodeWindowData, encodeWindowData, type WindowData } from "../../../sdk/model/window-coder.js";

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
  readonly tag: ValueTag<BoundedWindow[]>;
  /** Whether the WindowFn merges as Sessions do: windows sharing an instant (`mergeOverlappingIntervals`). */
  private readonly mergesByOverlap: boolean;

  constructor(
    private readonly state: StateInternals,
    private readonly windowFn: WindowFn,
    private readonly step: string,
  ) {
    // The built-in rule exactly (a subclass that merges otherwise keeps the general path).
    this.mergesByOverlap = windowFn.mergeWindows === Sessions.prototype.mergeWindows;
    this.tag = StateTags.value<BoundedWindow[]>("activeWindows", {
      encode: (ws) => ws.map((w) => encodeWindowData(w, windowFn)),
      decode: (d) => (d as WindowData[]).map((w) => decodeWindowData(w, windowFn)),
    });
  }

  windows(key: unknown): readonly BoundedWindow[] {
    return this.state.state(key, KEY_NAMESPACE, this.tag).read() ?? [];
  }

  isActive(key: unknown, window: BoundedWindow): boolean {
    return this.windows(key).some((w) => w.id === window.id);
  }

  add(key: unknown, window: BoundedWindow): void {
    const ws = this.windows(key);
    if (ws.some((w) => w.id === window.id)) return;
    this.state.state(key, KEY_NAMESPACE, this.tag).write([...ws, window]);
  }

  remove(key: unknown, window: BoundedWindow): void {
    const ws = this.windows(key);
    if (!ws.some((w) => w.id === window.id)) return;
    const kept = ws.filter((w) => w.id !== window.id);
    const cell = this.state.state(key, KEY_NAMESPACE, this.tag);
    if (kept.length === 0) cell.clear();
    else cell.write(kept);
  }

  /**
   * Merges a new element's window with the key's open windows (Beam's `MergingActiveWindowSet.merge`): for each
   * merge `onMerge(sources, result)` moves the state (sources: the open windows merged; it removes them from the
   * set and returns whether `result` is open). Returns the window the element goes to.
   */
  merge(key: unknown, window: BoundedWindow, onMerge: (sources: BoundedWindow[], result: BoundedWindow) => boolean): BoundedWindow {
    const open = this.windows(key);
    if (open.some((w) => w.id === window.id)) return window; // already open: nothing new to merge
    if (open.length === 0) return window;
    // Sessions' open windows never overlap one another (every overlap was merged when it arose), so only those
    // the new window overlaps can merge with it: the rest need not be sorted and regrouped for every element.
    const candidates = this.mergesByOverlap ? open.filter((w) => (w as IntervalWindow).intersects(window as IntervalWindow)) : open;
    if (candidates.length === 0) return window;
    let merges;
    try {
      merges = this.windowFn.mergeWindows!([...candidates, window]);
    } catch (e) {
      throw userCodeError(this.step, e);
    }
    // A key has a handful of open windows: linear searches, no maps.
    const byId = (id: string): BoundedWindow | undefined => open.find((w) => w.id === id);
    let target = window;
    const seen: string[] = [];
    for (const m of merges) {
      if (m.merged.length < 2) continue;
      const ids: string[] = [];
      for (const w of m.merged) if (!ids.includes(w.id)) ids.push(w.id);
      if (ids.length < 2) continue;
      for (const id of ids) {
        if (seen.includes(id) || (byId(id) === undefined && id !== window.id)) {
          throw new Error(`${this.step}: ${this.windowFn.description}.mergeWindows returned window ${id} that it was not given, or in two merges`);
        }
        seen.push(id);
      }
      if (ids.includes(window.id)) target = m.result;
      const sources = ids.flatMap((id) => byId(id) ?? []);
      if (onMerge(sources, m.result)) this.add(key, m.result);
    }
    return target;
  }
}

