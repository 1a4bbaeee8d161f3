/**
 * The sort buffer: records as frames appended to one byte arena, plus a small index, sorted when the buffer is
 * sealed into a run. Holding bytes rather than objects makes the memory measure honest (what is counted is what
 * is held, give or take the index) and makes writing a run a copy.
 * @module
 */
import type { RangeCoder } from "./codecs.js";
import { compareBytes, frameSize, frameView, INDEX_BITS, parseFrame, writeFrame, writeFrameWithValue } from "./frame.js";
import type { FrameSink } from "./run-file.js";

/** How a combining store merges the values of one (key, window). */
export interface Combiner {
  readonly merge: (a: unknown, b: unknown) => unknown;
  /** Keep the earliest timestamp (else the latest). */
  readonly earliest: boolean;
  readonly valueCoder: RangeCoder;
}

/**
 * Bytes counted per buffered record beyond its frame: two `Uint32Array` index entries (8 bytes, up to twice that
 * as the arrays grow by doubling) and the sort's key and order arrays (12 bytes, as much again as they grow).
 */
export const INDEX_BYTES_PER_RECORD = 40;

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
  /** The sort's work arrays (see {@link hashOrder}). */
  private sortKeys = new Float64Array(0);
  private sortOrder = new Uint32Array(0);
  private readonly a = frameView();
  private readonly b = frameView();

  /** `maxArenaBytes`: the arena grows by doubling up to this, then only as far as a record needs. */
  constructor(private readonly maxArenaBytes: number) {
    this.arena = Buffer.allocUnsafe(Math.min(MIN_ARENA, maxArenaBytes));
  }

  /** Bytes held, as counted against the budget. */
  get bytes(): number {
    return this.used + this.count * INDEX_BYTES_PER_RECORD;
  }

  /** Bytes of the frames alone (what a sorted run of them takes). */
  get frameBytes(): number {
    return this.used;
  }

  /**
   * Buffers one record, whose sort key is `keyText` NUL `windowId` (with their UTF-8 lengths); an undefined `key`
   * is read back from the sort key. Returns the size of its frame.
   */
  append(
    hash: number,
    keyText: string,
    keyTextBytes: number,
    windowId: string,
    windowIdBytes: number,
    key: Uint8Array | undefined,
    timestamp: number,
    value: Uint8Array,
  ): number {
    const size = frameSize(keyTextBytes + 1 + windowIdBytes, key === undefined ? 0 : key.length, value.length);
    if (this.used + size > this.arena.length) this.growArena(this.used + size);
    const i = this.count;
    if (i + 1 >= this.frameStart.length) this.growIndex();
    this.frameStart[i] = this.used;
    this.hashes[i] = hash;
    this.used = writeFrame(this.arena, this.used, hash, keyText, keyTextBytes, windowId, windowIdBytes, key, timestamp, value);
    this.count = i + 1;
    this.frameStart[i + 1] = this.used;
    return size;
  }

  /**
   * Writes the records to `sink` in frame order (hash, sort-key bytes, arrival), frames copied as they are.
   * Returns the number of records merged away (none: this is the plain store's path).
   */
  writeSorted(sink: FrameSink): number {
    const order = this.hashOrder();
    const { arena, frameStart, hashes } = this;
    const n = order.length;
    for (let s = 0; s < n; ) {
      const h = hashes[order[s]!]!;
      let e = s + 1;
      while (e < n && hashes[order[e]!] === h) e++;
      // Checking a run touches the frames about to be copied, so the copy finds them in cache.
      if (e - s > 1) this.orderRun(order, s, e);
      for (let k = s; k < e; k++) {
        const i = order[k]!;
        sink.copy(arena, frameStart[i]!, frameStart[i + 1]!);
      }
      s = e;
    }
    return 0;
  }

  /**
   * Writes the records to `sink` in frame order, the records of each (key, window) merged into one frame: the
   * map-side combine. Returns how many records were merged away.
   */
  writeCombined(sink: FrameSink, combiner: Combiner): number {
    const order = this.hashOrder();
    const { arena, frameStart, hashes, a, b } = this;
    const { merge, earliest, valueCoder } = combiner;
    const n = order.length;
    let merged = 0;
    for (let s = 0; s < n; ) {
      const h = hashes[order[s]!]!;
      let e = s + 1;
      while (e < n && hashes[order[e]!] === h) e++;
      if (e - s > 1) this.orderRun(order, s, e);
      // Within the run of one hash, consecutive equal sort keys are one (key, window).
      for (let k = s; k < e; ) {
        const i = order[k]!;
        parseFrame(arena, frameStart[i]!, frameStart[i + 1]!, a);
        let accumulator: unknown;
        let timestamp = a.timestamp;
        let j = k + 1;
        for (; j < e; j++) {
          const r = order[j]!;
          parseFrame(arena, frameStart[r]!, frameStart[r + 1]!, b);
          if (compareBytes(arena, a.skStart, a.skEnd, arena, b.skStart, b.skEnd) !== 0) break;
          if (j === k + 1) accumulator = valueCoder.decode(arena, a.valueStart, a.valueEnd);
          accumulator = merge(accumulator, valueCoder.decode(arena, b.valueStart, b.valueEnd));
          if (earliest ? b.timestamp < timestamp : b.timestamp > timestamp) timestamp = b.timestamp;
        }
        if (j === k + 1) {
          sink.copy(arena, frameStart[i]!, frameStart[i + 1]!);
        } else {
          merged += j - k - 1;
          const value = valueCoder.encode(accumulator);
          sink.reserve(frameSize(a.skEnd - a.skStart, a.keyEnd - a.keyStart, value.length));
          sink.pos = writeFrameWithValue(sink.buf, sink.pos, arena, a, timestamp, value);
        }
        k = j;
      }
      s = e;
    }
    return merged;
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
    this.frameStart = this.hashes = new Uint32Array(2);
    this.sortKeys = new Float64Array(0);
    this.sortOrder = new Uint32Array(0);
  }

  /**
   * The record indexes ordered by hash, then arrival: a native sort of `hash * 2^26 + index` numbers, which does
   * nearly all the work of sorting. Each run of equal hashes still needs {@link orderRun}.
   */
  private hashOrder(): Uint32Array {
    const n = this.count;
    const hashes = this.hashes;
    // Kept between sorts: a new array per sort is garbage that V8 frees late (external memory), which would make
    // the resident set grow well past the budget.
    if (this.sortKeys.length < n) {
      this.sortKeys = new Float64Array(this.frameStart.length);
      this.sortOrder = new Uint32Array(this.frameStart.length);
    }
    const keys = this.sortKeys.subarray(0, n);
    for (let i = 0; i < n; i++) keys[i] = hashes[i]! * INDEX_SCALE + i;
    keys.sort();
    const order = this.sortOrder.subarray(0, n);
    for (let k = 0; k < n; k++) order[k] = keys[k]! % INDEX_SCALE;
    return order;
  }

  /**
   * Orders `order[s, e)`, records of one hash in arrival order, by sort key if they do not all share one (a hash
   * collision, or several windows of one key); equal sort keys keep their arrival order.
   */
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
