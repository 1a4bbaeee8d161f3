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
