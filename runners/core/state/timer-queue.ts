/**
 * Timers of one time domain (event time or processing time) for the grouping side's windows.
 * @module
 */
import type { Instant } from "../../../sdk/model/time.js";
import { MinHeap } from "./min-heap.js";

/**
 * The timers of one time domain, each owned by a (key, window) state object. A timer is identified by its owner
 * and timestamp, so setting the same one twice is a no-op (as in Beam, where a window's timers are named by their
 * time). Timers fire once the domain's clock is strictly after their timestamp (Beam's `InMemoryTimerInternals`).
 * @example
 * const timers: Timers<WindowState> = new InMemoryTimers();
 * timers.set(ws, 9);
 * timers.popBefore(10); // [ws]
 */
export interface Timers<O extends object> {
  /** Sets a timer for `owner` at `time` (idempotent). */
  set(owner: O, time: Instant): void;
  /** Deletes every timer of `owner` (the owner's window was merged away or garbage collected). */
  deleteAll(owner: O): void;
  /** The owner's pending timer times, ascending (for snapshots). */
  timesOf(owner: O): Instant[];
  /** The earliest pending timer time, or `undefined` when there is none. */
  next(): Instant | undefined;
  /**
   * Removes every timer with a time before `limit` and returns their owners in timestamp order (ties in the order
   * the timers were set), each owner once.
   */
  popBefore(limit: Instant): O[];
}

interface Entry<O> {
  readonly time: Instant;
  readonly seq: number;
  readonly owner: O;
}

/** {@link Timers} in memory: a heap of entries plus the live times per owner (deleted timers are skipped lazily). */
export class InMemoryTimers<O extends object> implements Timers<O> {
  /** Invariant: every live timer has an entry in the heap; entries of deleted or fired timers are stale. */
  private readonly heap = new MinHeap<Entry<O>>((a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq));
  /**
   * Live timer times per owner (a window has one or two: end of window and garbage collection, often equal, so a
   * small array beats a Set); an owner without timers has no entry.
   */
  private readonly live = new Map<O, Instant[]>();
  private seq = 0;

  set(owner: O, time: Instant): void {
    const times = this.live.get(owner);
    if (!times) {
      this.live.set(owner, [time]);
    } else {
      if (times.includes(time)) return;
      times.push(time);
    }
    this.heap.push({ time, seq: this.seq++, owner });
  }

  deleteAll(owner: O): void {
    this.live.delete(owner);
  }

  timesOf(owner: O): Instant[] {
    return [...(this.live.get(owner) ?? [])].sort((a, b) => a - b);
  }

  next(): Instant | undefined {
    this.dropStale();
    return this.heap.peek()?.time;
  }

  popBefore(limit: Instant): O[] {
    const owners = new Set<O>();
    for (;;) {
      this.dropStale();
      const top = this.heap.peek();
      if (top === undefined || !(top.time < limit)) break;
      this.heap.pop();
      const times = this.live.get(top.owner)!;
      times.splice(times.indexOf(top.time), 1);
      if (times.length === 0) this.live.delete(top.owner);
      owners.add(top.owner);
    }
    return [...owners];
  }

  /** Pops entries whose timer was deleted or already fired. */
  private dropStale(): void {
    for (let top = this.heap.peek(); top !== undefined; top = this.heap.peek()) {
      if (this.live.get(top.owner)?.includes(top.time)) return;
      this.heap.pop();
    }
  }
}
