/**
 * The in-memory side of the plain (non-combining) store: records as frames appended to one byte arena, plus a
 * small index, sorted by sort key when the buffer spills or is read. Holding bytes rather than objects makes the
 * memory measure honest (what is counted is what is held, give or take the index) and makes a spill a copy.
 * @module
 */
import { compareBytes, frameSize, frameView, INDEX_BITS, parseFrame, writeFrame, type FrameView } from "./frame.js";
import type { FrameCursor, RunWriter } from "./run-file.js";

/**
 * Bytes counted per buffered record beyond its frame: two `Uint32Array` index entries (8 bytes, up to twice that
 * while the arrays grow by doubling) and the sort's key and order arrays (12 bytes).
 */
export const INDEX_BYTES_PER_RECORD = 32;

/** The most records sorted at once (the index must fit beside the hash in a float64). */
export const MAX_BUFFERED_RECORDS = 2 ** INDEX_BITS;
const INDEX_SCALE = 2 ** INDEX_BITS;

const MIN_ARENA = 64 * 1024;

export class SortBuffer {
  /** Frames, in arrival order, back to back: frame `i` spans `[frameStart[i], frameStart[i + 1])`. */
  private arena: Buffer;
  private used = 0;
  /** Number of buffered records. */
  count = 0;
  /** `count + 1` entries: the start of each frame, then the end of the last. */
  private frameStart = new Uint32Array(1024);
  /** Each record's key hash (also in its frame; kept here so sorting reads no frame). */
  private hashes = new Uint32Array(1024);
  private readonly a = frameView();
  private readonly b = frameView();

  /** `maxArenaBytes`: the arena grows by doubling up to this (the budget), then only as far as a record needs. */
  constructor(private readonly maxArenaBytes: number) {
    this.arena = Buffer.allocUnsafe(Math.min(MIN_ARENA, maxArenaBytes));
  }

  /** Bytes held, as counted against the budget. */
  get bytes(): number {
    return this.used + this.count * INDEX_BYTES_PER_RECORD;
  }

  /** Buffers one record; `sortKey` is `skBytes` long in UTF-8; an undefined `key` is read from the sort key. */
  append(hash: number, sortKey: string, skBytes: number, key: Uint8Array | undefined, timestamp: number, value: Uint8Array): void {
    const size = frameSize(skBytes, key === undefined ? 0 : key.length, value.length);
    if (this.used + size > this.arena.length) this.growArena(this.used + size);
    const i = this.count;
    if (i + 1 >= this.frameStart.length) this.growIndex();
    this.frameStart[i] = this.used;
    this.hashes[i] = hash;
    this.used = writeFrame(this.arena, this.used, hash, sortKey, skBytes, key, timestamp, value);
    this.count = i + 1;
    this.frameStart[i + 1] = this.used;
  }

  /**
   * The record indexes in frame order (hash, then sort-key bytes); equal keys keep their arrival order. A native
   * sort of `hash * 2^26 + index` numbers does nearly all the work; then each run of equal hashes is checked and,
   * if it holds more than one sort key (a collision, or several windows of a key), sorted by bytes.
   */
  sortedOrder(): Uint32Array {
    const n = this.count;
    const hashes = this.hashes;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = hashes[i]! * INDEX_SCALE + i;
    keys.sort();
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = keys[k]! % INDEX_SCALE;
    for (let s = 0; s < n; ) {
      const h = hashes[order[s]!]!;
      let e = s + 1;
      while (e < n && hashes[order[e]!] === h) e++;
      if (e - s > 1) this.orderRun(order, s, e);
      s = e;
    }
    return order;
  }

  /** Orders `order[s, e)`, records of one hash in arrival order, by sort key if they do not all share one. */
  private orderRun(order: Uint32Array, s: number, e: number): void {
    const { arena, frameStart, a, b } = this;
    parseFrame(arena, frameStart[order[s]!]!, frameStart[order[s]! + 1]!, a);
    let k = s + 1;
    for (; k < e; k++) {
      parseFrame(arena, frameStart[order[k]!]!, frameStart[order[k]! + 1]!, b);
      if (compareBytes(arena, a.skStart, a.skEnd, arena, b.skStart, b.skEnd) !== 0) break;
    }
    if (k === e) return;
    order.subarray(s, e).sort((x, y) => {
      parseFrame(arena, frameStart[x]!, frameStart[x + 1]!, a);
      parseFrame(arena, frameStart[y]!, frameStart[y + 1]!, b);
      return compareBytes(arena, a.skStart, a.skEnd, arena, b.skStart, b.skEnd) || x - y;
    });
  }

  /** Writes the records sorted to `writer` (the frames are copied as they are). */
  writeSorted(writer: RunWriter): void {
    const order = this.sortedOrder();
    const { arena, frameStart } = this;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      writer.copy(arena, frameStart[i]!, frameStart[i + 1]!);
    }
  }

  /** A cursor over the buffered records in order; valid until the buffer changes. */
  cursor(order: number): FrameCursor {
    return new SortedTailCursor(this.arena, this.frameStart, this.sortedOrder(), order);
  }

  /** Forgets the records, keeping the arena for the next ones. */
  clear(): void {
    this.used = 0;
    this.count = 0;
  }

  /** Drops the memory held. */
  release(): void {
    this.clear();
    this.arena = Buffer.alloc(0);
    this.frameStart = this.hashes = new Uint32Array(1);
  }

  private growArena(needed: number): void {
    let capacity = Math.max(this.arena.length * 2, MIN_ARENA);
    if (capacity > this.maxArenaBytes) capacity = this.maxArenaBytes;
    if (capacity < needed) capacity = needed;
    const bigger = Buffer.allocUnsafe(capacity);
    this.arena.copy(bigger, 0, 0, this.used);
    this.arena = bigger;
  }

  private growIndex(): void {
    const grow = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.frameStart = grow(this.frameStart);
    this.hashes = grow(this.hashes);
  }
}

/** Walks the sorted buffer: a cursor that never needs I/O. */
class SortedTailCursor implements FrameCursor {
  readonly frame: FrameView = frameView();
  done = false;
  private k = 0;

  constructor(
    readonly buf: Buffer,
    private readonly frameStart: Uint32Array,
    private readonly sorted: Uint32Array,
    readonly order: number,
  ) {
    this.settle();
  }

  advance(): boolean {
    this.k++;
    this.settle();
    return true;
  }

  fill(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private settle(): void {
    if (this.k >= this.sorted.length) {
      this.done = true;
      return;
    }
    const i = this.sorted[this.k]!;
    parseFrame(this.buf, this.frameStart[i]!, this.frameStart[i + 1]!, this.frame);
  }
}
