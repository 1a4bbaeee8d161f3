/**
 * A multiset of watermark holds with the minimum at hand: what a stage still owes (queued and running work),
 * added when work is queued and removed when it completes. Holds are instants, so equal holds are counted, not
 * stored twice; the minimum comes from a heap of distinct instants whose stale tops are dropped lazily.
 * @module
 */
import { TIMESTAMP_MAX_VALUE, type Instant } from "../../../sdk/model/time.js";
import { MinHeap } from "../state/min-heap.js";

/**
 * Holds by instant, with their count.
 * @example
 * const holds = new HoldSet();
 * holds.add(5); holds.add(3);
 * holds.remove(3);
 * holds.min(); // 5
 */
export class HoldSet {
  /** How many holds there are at each instant; an instant with none is deleted. */
  private readonly counts = new Map<Instant, number>();
  /** Every instant of `counts`, and some that were since removed (skipped when they reach the top). */
  private readonly heap = new MinHeap<Instant>((a, b) => a < b);

  get size(): number {
    return this.counts.size;
  }

  add(hold: Instant): void {
    const n = this.counts.get(hold);
    if (n === undefined) {
      this.counts.set(hold, 1);
      this.heap.push(hold);
    } else {
      this.counts.set(hold, n + 1);
    }
  }

  /** Removes one hold at `hold`; throws if there is none (a hold released twice is a scheduler bug). */
  remove(hold: Instant): void {
    const n = this.counts.get(hold);
    if (n === undefined) throw new Error(`internal: no watermark hold at ${hold} to release`);
    if (n === 1) this.counts.delete(hold);
    else this.counts.set(hold, n - 1);
  }

  /** The earliest hold, or {@link TIMESTAMP_MAX_VALUE} when there is none. */
  min(): Instant {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined) return TIMESTAMP_MAX_VALUE;
      if (this.counts.has(top)) return top;
      this.heap.pop();
    }
  }
}
