/**
 * Watermark holds: the earliest output timestamp each (key, window) may still emit.
 * @module
 */
import { TIMESTAMP_MAX_VALUE, type Instant } from "../../../sdk/model/time.js";
import { MinHeap } from "./min-heap.js";

/**
 * The watermark holds of a grouping side, one per owner (a key's window). The output watermark must not pass
 * {@link Holds.min}.
 * @example
 * const holds: Holds<WindowState> = new InMemoryHolds();
 * holds.set(ws, 9);
 * holds.min(); // 9
 */
export interface Holds<O extends object> {
  /** Sets (or with `undefined`, releases) the owner's hold. */
  set(owner: O, hold: Instant | undefined): void;
  /** The earliest hold, or {@link TIMESTAMP_MAX_VALUE} when nothing is held. */
  min(): Instant;
}

interface Entry<O> {
  readonly hold: Instant;
  readonly owner: O;
}

/** {@link Holds} in memory: the current hold per owner plus a heap whose outdated entries are skipped lazily. */
export class InMemoryHolds<O extends object> implements Holds<O> {
  /** Invariant: every current hold has a heap entry with the same value; other entries are stale. */
  private readonly current = new Map<O, Instant>();
  private readonly heap = new MinHeap<Entry<O>>((a, b) => a.hold < b.hold);

  set(owner: O, hold: Instant | undefined): void {
    if (hold === undefined) {
      this.current.delete(owner);
      return;
    }
    if (this.current.get(owner) === hold) return;
    this.current.set(owner, hold);
    this.heap.push({ hold, owner });
    // Holds that keep moving (LATEST) leave stale entries behind: rebuild before they outnumber the live ones.
    if (this.heap.size > 2 * this.current.size + 64) this.compact();
  }

  /** Owners holding anything. */
  get size(): number {
    return this.current.size;
  }

  private compact(): void {
    this.heap.clear();
    for (const [owner, hold] of this.current) this.heap.push({ hold, owner });
  }

  min(): Instant {
    for (let top = this.heap.peek(); top !== undefined; top = this.heap.peek()) {
      if (this.current.get(top.owner) === top.hold) return top.hold;
      this.heap.pop();
    }
    return TIMESTAMP_MAX_VALUE;
  }
}
