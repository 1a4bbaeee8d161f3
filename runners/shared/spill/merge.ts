/**
 * The k-way merge: a binary min-heap of frame cursors ordered by (key hash, sort key, cursor order), so frames come
 * out in frame order ({@link ./frame.ts}) and, within a key, in the order the cursors were created (which is the
 * order records were added).
 *
 * Each step costs O(log k) comparisons of sort-key bytes; a step needs I/O only when the top cursor's buffer runs
 * out, so {@link FrameMerger.next} returns a Promise only then (no Promise per record).
 * @module
 */
import { compareBytes } from "./frame.js";
import type { FrameCursor } from "./run-file.js";

function less(a: FrameCursor, b: FrameCursor): boolean {
  const fa = a.frame;
  const fb = b.frame;
  if (fa.hash !== fb.hash) return fa.hash < fb.hash;
  const c = compareBytes(a.buf, fa.skStart, fa.skEnd, b.buf, fb.skStart, fb.skEnd);
  return c < 0 || (c === 0 && a.order < b.order);
}

export class FrameMerger {
  /** The heap: `heap[0]` holds the least frame; every cursor in it has a current frame (none is done). */
  private readonly heap: FrameCursor[];

  /** `cursors` must each be positioned on their first frame (or done). The merger closes them when they end. */
  constructor(private readonly cursors: readonly FrameCursor[]) {
    this.heap = cursors.filter((c) => !c.done);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The cursor holding the least frame, or undefined when every cursor is exhausted. */
  get top(): FrameCursor | undefined {
    return this.heap[0];
  }

  /** Moves past the least frame. Returns a Promise only when the top cursor must read. */
  next(): Promise<void> | undefined {
    const c = this.heap[0]!;
    if (!c.advance()) return this.refill(c);
    this.settle(c);
    return undefined;
  }

  /** Closes every cursor (after success, an error, or an abandoned iteration). */
  async close(): Promise<void> {
    await Promise.all(this.cursors.map((c) => c.close()));
  }

  private async refill(c: FrameCursor): Promise<void> {
    await c.fill();
    this.settle(c);
  }

  private settle(c: FrameCursor): void {
    if (c.done) {
      const last = this.heap.pop()!;
      if (this.heap.length === 0) return;
      this.heap[0] = last;
    }
    this.siftDown(0);
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && less(heap[child + 1]!, heap[child]!)) child++;
      if (!less(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
