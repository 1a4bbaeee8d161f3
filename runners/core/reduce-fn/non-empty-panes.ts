/**
 * Beam's `NonEmptyPanes`: whether the pane being built got any element, so an empty pane is emitted only where
 * Beam emits one.
 * @module
 */
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { CombineFn } from "../../../sdk/model/combine-fn.js";
import type { StateInternals } from "../state/state-internals.js";
import { StateTags, type CombiningTag } from "../state/state-tags.js";

const countFn: CombineFn<unknown, number, number> = {
  createAccumulator: () => 0,
  addInput: (n) => n + 1,
  mergeAccumulators: (ns) => ns.reduce((a, b) => a + b, 0),
  extractOutput: (n) => n,
};

/**
 * State, per key and window:
 * - `nonEmpty` (combining count, window namespace): elements added since the last pane. Lifetime: cleared when a
 *   pane fires and at garbage collection. Merging: summed.
 * @example
 * const panes = new NonEmptyPanes(state);
 * panes.recordElement(key, window);
 * panes.count(key, window); // 1
 */
export class NonEmptyPanes {
  readonly tag: CombiningTag<unknown, number, number> = StateTags.combining("nonEmpty", countFn);

  constructor(private readonly state: StateInternals) {}

  recordElement(key: unknown, window: BoundedWindow): void {
    this.state.state(key, window, this.tag).add(null);
  }

  /** Elements in the pane so far. */
  count(key: unknown, window: BoundedWindow): number {
    return this.state.state(key, window, this.tag).readAccum() ?? 0;
  }

  clearPane(key: unknown, window: BoundedWindow): void {
    this.state.state(key, window, this.tag).clear();
  }
}
