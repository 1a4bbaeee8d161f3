/**
 * The k-way merge: a binary min-heap of frame cursors ordered by (key hash, sort key, cursor order), so frames come
 * out in frame order ({@link ./frame.ts}) and, within a key, in the order the cursors were created (which is the
 * order records were added).
 *
 * Each step costs O(log k) comparisons, nearly all of hashes alone; a step needs I/O only when the top cursor's
 * buffer runs out, so {@link FrameMerger.next} returns a Promise only then (no Promise per record).
 * @module
 */
import { compareBytes, frameSize, frameView, parseFrame, writeFrameWithValue, type FrameView } from "./frame.js";
import type { FrameCursor, FrameSink } from "./run-file.js";
import type { Combiner } from "./sort-buffer.js";

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

/**
 * Drains a merge into a sink: frames copied in order (plain), or each (key, window) merged into one frame
 * (combining). Synchronous while no cursor needs I/O (in-memory runs never do), so the same code merges memory
 * runs inside `add` and files in an asynchronous merge pass.
 */
export class MergeWriter {
  /** The current group's first frame, copied whole (its cursor's buffer changes under it). */
  private scratch = Buffer.allocUnsafe(256);
  private readonly first: FrameView = frameView();
  /** Records in the current group so far; 0 when there is none. */
  private count = 0;
  private accumulator: unknown;
  private timestamp = 0;
  /** Records merged away. */
  merged = 0;

  constructor(
    private readonly merger: FrameMerger,
    private readonly sink: FrameSink,
    private readonly combiner: Combiner | undefined,
  ) {}

  /** Writes everything; returns a Promise only if a cursor had to read. */
  run(): Promise<void> | undefined {
    const merger = this.merger;
    const sink = this.sink;
    for (let top = merger.top; top !== undefined; top = merger.top) {
      const f = top.frame;
      if (this.combiner === undefined) sink.copy(top.buf, f.start, f.end);
      else this.combine(top.buf, f);
      const pending = merger.next();
      if (pending) return pending.then(() => this.run());
    }
    if (this.count > 0) this.endGroup();
    return undefined;
  }

  private combine(buf: Buffer, f: FrameView): void {
    const g = this.first;
    if (this.count > 0 && (f.hash !== g.hash || compareBytes(buf, f.skStart, f.skEnd, this.scratch, g.skStart, g.skEnd) !== 0)) this.endGroup();
    const { merge, earliest, valueCoder } = this.combiner!;
    if (this.count === 0) {
      const n = f.end - f.start;
      if (this.scratch.length < n) this.scratch = Buffer.allocUnsafe(Math.max(n, this.scratch.length * 2));
      buf.copy(this.scratch, 0, f.start, f.end);
      parseFrame(this.scratch, 0, n, g);
      this.timestamp = f.timestamp;
    } else {
      if (this.count === 1) this.accumulator = valueCoder.decode(this.scratch, g.valueStart, g.valueEnd);
      this.accumulator = merge(this.accumulator, valueCoder.decode(buf, f.valueStart, f.valueEnd));
      if (earliest ? f.timestamp < this.timestamp : f.timestamp > this.timestamp) this.timestamp = f.timestamp;
    }
    this.count++;
  }

  private endGroup(): void {
    const g = this.first;
    const sink = this.sink;
    if (this.count === 1) {
      sink.copy(this.scratch, 0, g.end); // alone: the frame as it was
    } else {
      this.merged += this.count - 1;
      const value = this.combiner!.valueCoder.encode(this.accumulator);
      sink.reserve(frameSize(g.skEnd - g.skStart, g.keyEnd - g.keyStart, value.length));
      sink.pos = writeFrameWithValue(sink.buf, sink.pos, this.scratch, g, this.timestamp, value);
    }
    this.count = 0;
    this.accumulator = undefined;
  }
}
