/**
 * A binary min-heap: the priority queue behind timers and watermark holds.
 * @module
 */

/**
 * A binary min-heap ordered by `less`. Not stable by itself: callers that need a deterministic order among equal
 * priorities put a sequence number in the comparison.
 * @example
 * const h = new MinHeap<number>((a, b) => a < b);
 * h.push(3); h.push(1);
 * h.pop(); // 1
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The smallest item, or `undefined` when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  // Sifting moves a hole instead of swapping pairs: a destructuring swap allocates an array per step unless the
  // optimizer removes it, and in the timer and hold heaps it often did not (gigabytes per million timers).
  push(item: T): void {
    const items = this.items;
    const less = this.less;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!less(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the smallest item, or `undefined` when empty. */
  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      const less = this.less;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && less(items[r]!, items[l]!) ? r : l;
        if (!less(items[m]!, last)) break;
        items[i] = items[m]!;
        i = m;
      }
      items[i] = last;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

/** An item of an {@link IndexedMinHeap}: the heap keeps its position in it (-1 when it is in none). */
export interface HeapSlot {
  heapIndex: number;
}

/**
 * A binary min-heap whose items know their position, so that one can be removed or re-prioritised in O(log n)
 * where it sits. The timer and hold heaps use it: with lazy deletion, a session window that moves with every
 * element (its end-of-window and garbage-collection timers are set anew each time) left two dead entries a
 * element in the heap until they reached its top, which during a bounded read is at the very end.
 * @example
 * const h = new IndexedMinHeap<{ t: number; heapIndex: number }>((a, b) => a.t < b.t);
 * const a = { t: 3, heapIndex: -1 };
 * h.push(a); h.push({ t: 5, heapIndex: -1 });
 * h.remove(a);
 * h.peek()!.t; // 5
 */
export class IndexedMinHeap<T extends HeapSlot> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.up(item, this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `item` (a no-op when it is in no heap). */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0) return;
    const items = this.items;
    const last = items.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    // The last item fills the hole and moves up or down from there.
    if (i > 0 && this.less(last, items[(i - 1) >> 1]!)) this.up(last, i);
    else this.down(last, i);
  }

  /** Restores the order after `item`'s priority changed in place. */
  update(item: T): void {
    const i = item.heapIndex;
    if (i > 0 && this.less(item, this.items[(i - 1) >> 1]!)) this.up(item, i);
    else this.down(item, i);
  }

  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items.length = 0;
  }

  // Both sifts move a hole rather than swapping pairs (see MinHeap).
  private up(item: T, from: number): void {
    const items = this.items;
    let i = from;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.less(item, p)) break;
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  private down(item: T, from: number): void {
    const items = this.items;
    const n = items.length;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.less(items[r]!, items[l]!) ? r : l;
      const c = items[m]!;
      if (!this.less(c, item)) break;
      items[i] = c;
      c.heapIndex = i;
      i = m;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}
