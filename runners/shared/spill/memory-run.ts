/**
 * Sorted runs kept in memory. The sort buffer is sealed into one of these every time it fills a chunk (a fraction
 * of the budget), so that sorting and copying touch a cache-sized arena, and merging later reads memory in order;
 * they go to disk, merged into one run file, only when together they pass the budget.
 * @module
 */
import { frameView, parseFrame, type FrameView } from "./frame.js";
import type { FrameCursor, FrameSink } from "./run-file.js";

/** A sorted run in memory: frames back to back in `buf[0, length)`. */
export interface MemoryRun {
  readonly buf: Buffer;
  readonly length: number;
}

/**
 * Buffers for memory runs, recycled: a spill frees a budget's worth of run buffers at once, and left to the
 * garbage collector they would linger (V8 frees external memory late), growing the resident set well past the
 * budget. Buffers are made a quarter larger than asked, so that the next run of a similar size fits one.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  /** Bytes held by free buffers. */
  bytes = 0;

  constructor(readonly minBytes: number) {}

  /** A buffer of at least `n` bytes (contents unspecified). */
  take(n: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const buf = this.free[i]!;
      if (buf.length >= n) {
        this.free[i] = this.free[this.free.length - 1]!;
        this.free.pop();
        this.bytes -= buf.length;
        return buf;
      }
    }
    return Buffer.allocUnsafe(Math.max(Math.ceil(n * 1.25), this.minBytes));
  }

  /** Takes `buf` back if the pool stays within `maxBytes`; otherwise lets it go. */
  give(buf: Buffer, maxBytes: number): void {
    if (buf.length < this.minBytes || this.bytes + buf.length > maxBytes) return;
    this.free.push(buf);
    this.bytes += buf.length;
  }

  clear(): void {
    this.free.length = 0;
    this.bytes = 0;
  }
}

/** Builds a {@link MemoryRun}: a frame sink that grows its buffer instead of flushing it. */
export class MemoryRunBuilder implements FrameSink {
  buf: Buffer;
  pos = 0;

  /** `maxPoolBytes`: what the pool may hold when this builder gives a buffer back. */
  constructor(private readonly pool: BufferPool, initialBytes: number, private readonly maxPoolBytes: number) {
    this.buf = pool.take(initialBytes);
  }

  copy(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.reserve(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n <= 64) {
      for (let i = start; i < end; i++) buf[pos++] = src[i]!;
    } else {
      pos += src.copy(buf, pos, start, end);
    }
    this.pos = pos;
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = this.pool.take(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.pool.give(this.buf, this.maxPoolBytes);
    this.buf = bigger;
  }

  /**
   * The run built. A run using less than a quarter of its buffer (a combine that merged much) is copied to one of
   * its size, so that what the budget counts is what is held, and the buffer goes back to the pool.
   */
  finish(): MemoryRun {
    if (this.pos >= this.buf.length / 4) return { buf: this.buf, length: this.pos };
    const buf = Buffer.from(this.buf.subarray(0, this.pos));
    this.pool.give(this.buf, this.maxPoolBytes);
    return { buf, length: this.pos };
  }
}

/** Walks a {@link MemoryRun}: a cursor that never needs I/O. */
export class MemoryRunCursor implements FrameCursor {
  readonly buf: Buffer;
  readonly frame: FrameView = frameView();
  done = false;
  private readonly length: number;

  constructor(run: MemoryRun, readonly order: number) {
    this.buf = run.buf;
    this.length = run.length;
    this.settle(0);
  }

  advance(): boolean {
    this.settle(this.frame.end);
    return true;
  }

  fill(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private settle(pos: number): void {
    if (pos >= this.length) this.done = true;
    else if (!parseFrame(this.buf, pos, this.length, this.frame)) throw new Error("corrupt in-memory run: it ends inside a frame");
  }
}
