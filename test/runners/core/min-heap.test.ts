import { expect } from "chai";
import { IndexedMinHeap } from "../../../runners/core/state/min-heap.js";

interface Item {
  t: number;
  heapIndex: number;
}

/** A small seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("IndexedMinHeap", () => {
  it("pops in order after random pushes, removals and priority changes (against a sorted list)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed);
      const heap = new IndexedMinHeap<Item>((a, b) => a.t < b.t);
      const live: Item[] = [];
      for (let op = 0; op < 2000; op++) {
        const r = rnd();
        if (r < 0.5 || live.length === 0) {
          const item = { t: Math.floor(rnd() * 100), heapIndex: -1 };
          heap.push(item);
          live.push(item);
        } else if (r < 0.7) {
          const item = live.splice(Math.floor(rnd() * live.length), 1)[0]!;
          heap.remove(item);
          expect(item.heapIndex).to.equal(-1);
        } else if (r < 0.85) {
          const item = live[Math.floor(rnd() * live.length)]!;
          item.t = Math.floor(rnd() * 100);
          heap.update(item);
        } else {
          const min = Math.min(...live.map((i) => i.t));
          const top = heap.pop()!;
          expect(top.t, `seed ${seed}, op ${op}`).to.equal(min);
          live.splice(live.indexOf(top), 1);
        }
        expect(heap.size).to.equal(live.length);
      }
      const drained: number[] = [];
      for (let top = heap.pop(); top !== undefined; top = heap.pop()) drained.push(top.t);
      expect(drained).to.deep.equal(live.map((i) => i.t).sort((a, b) => a - b));
    }
  });

  it("removing an item that is in no heap is a no-op", () => {
    const heap = new IndexedMinHeap<Item>((a, b) => a.t < b.t);
    const a = { t: 1, heapIndex: -1 };
    heap.push({ t: 2, heapIndex: -1 });
    heap.remove(a);
    expect(heap.size).to.equal(1);
    expect(heap.peek()!.t).to.equal(2);
  });
});
