/**
 * Run files: a sorted sequence of frames ({@link ./frame.ts}) on disk, written through one buffer and read back
 * through one buffer, so there is a system call per buffer, never per record.
 *
 * Writes are synchronous: a spill happens inside `add`, which is synchronous so that the caller pays no Promise
 * per record, and the sort that precedes a spill is synchronous CPU work anyway; writing a buffer into the page
 * cache costs a few milliseconds next to it. Reads are asynchronous, so a long merge yields to the event loop (a
 * worker keeps answering its coordinator) once per buffer refill.
 * @module
 */
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { frameView, parseFrame, type FrameView } from "./frame.js";

/** A source of frames in frame order: a run file, or a run in memory. */
export interface FrameCursor {
  /** The buffer holding the current frame (a reader may replace it when a frame outgrows it). */
  readonly buf: Buffer;
  /** The current frame's fields inside {@link buf}; meaningful while not {@link done}. */
  readonly frame: FrameView;
  /**
   * Tie-breaker between equal sort keys: lower first. Runs are numbered in creation order, so a merge yields a
   * key's records in the order they were added.
   */
  readonly order: number;
  /** No current frame: the source is exhausted. */
  readonly done: boolean;
  /**
   * Moves to the next frame. Returns true when settled synchronously (there is a current frame, or the cursor is
   * done); false when the next frame is not buffered yet and {@link fill} must be awaited.
   */
  advance(): boolean;
  /** Reads until the next frame is complete (or the source ends). */
  fill(): Promise<void>;
  /** Releases the source (file handle). Idempotent. */
  close(): Promise<void>;
}

/**
 * Where sorted frames go: a run file or a run in memory. A frame is appended whole, either copied ({@link copy})
 * or encoded in place: {@link reserve} its size, write it at {@link pos} of {@link buf}, then move {@link pos}.
 */
export interface FrameSink {
  buf: Buffer;
  pos: number;
  /** Appends `src[start, end)`, a whole frame. */
  copy(src: Buffer, start: number, end: number): void;
  /** Makes room for `n` bytes at {@link pos} of {@link buf} (which may become another buffer). */
  reserve(n: number): void;
}

/**
 * Writes one run file: frames appended in order through a buffer (the caller's, reused across runs). The file is
 * created by the first flush, so a run that fits in the buffer can be taken back ({@link opened} false) without
 * ever touching the disk.
 */
export class RunWriter implements FrameSink {
  private fd = -1;
  private closed = false;
  /** The write buffer; frames are encoded straight into it (see {@link reserve}). */
  buf: Buffer;
  /** Bytes of {@link buf} filled. */
  pos = 0;
  /** Bytes written to the file so far (including those still in the buffer). */
  get bytes(): number {
    return this.flushed + this.pos;
  }
  private flushed = 0;

  constructor(readonly path: string, buffer: Buffer) {
    this.buf = buffer;
  }

  /** Whether the file exists (something was flushed). */
  get opened(): boolean {
    return this.fd >= 0 || this.closed;
  }

  /** Appends `src[start, end)`, a whole frame. */
  copy(src: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n > this.buf.length - this.pos) {
      this.flush();
      if (n > this.buf.length) {
        this.writeAll(src, start, end);
        this.flushed += n;
        return;
      }
    }
    const buf = this.buf;
    let pos = this.pos;
    if (n <= 64) {
      // A loop beats Buffer#copy's validation and native call for the small frames most records are.
      for (let i = start; i < end; i++) buf[pos++] = src[i]!;
    } else {
      pos += src.copy(buf, pos, start, end);
    }
    this.pos = pos;
  }

  /**
   * Makes room for `n` bytes at {@link pos} of {@link buf} (flushing, or growing the buffer for a frame larger
   * than it), for the caller to encode a frame in place and then set {@link pos} past it.
   */
  reserve(n: number): void {
    if (n <= this.buf.length - this.pos) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.pos === 0) return;
    this.writeAll(this.buf, 0, this.pos);
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** Flushes and closes the file (creating it, even empty). */
  finish(): void {
    this.open();
    this.flush();
    this.closeFd();
  }

  /** Closes the file without flushing (after a failure; the store deletes it). Idempotent. */
  abort(): void {
    try {
      this.closeFd();
    } catch {
      // Already failing: the original error is the one worth reporting.
    }
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    this.closed = true;
    fs.closeSync(fd);
  }

  /** Creates the file; fails if it exists (`wx`), so two writers never share a file. */
  private open(): void {
    if (this.fd < 0 && !this.closed) this.fd = fs.openSync(this.path, "wx", 0o600);
  }

  private writeAll(src: Buffer, start: number, end: number): void {
    this.open();
    while (start < end) start += fs.writeSync(this.fd, src, start, end - start);
  }
}

/** Reads one run file frame by frame through one buffer; deletes the file once it has been read to the end. */
export class RunReader implements FrameCursor {
  buf: Buffer;
  readonly frame: FrameView = frameView();
  done = false;
  /** Bytes of {@link buf} holding file data. */
  private limit = 0;
  /** Where the frame to parse next starts in {@link buf}. */
  private next = 0;
  private eof = false;
  private handle: FileHandle | undefined;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    bufferBytes: number,
    readonly order: number,
  ) {
    this.handle = handle;
    this.buf = Buffer.allocUnsafe(bufferBytes);
  }

  /** Opens a run and reads its first frame. */
  static async open(path: string, bufferBytes: number, order: number): Promise<RunReader> {
    const reader = new RunReader(path, await fs.promises.open(path, "r"), bufferBytes, order);
    try {
      await reader.fill();
    } catch (e) {
      await reader.close();
      throw e;
    }
    return reader;
  }

  advance(): boolean {
    const next = this.frame.end;
    this.next = next;
    if (parseFrame(this.buf, next, this.limit, this.frame)) return true;
    if (this.eof && next === this.limit) {
      this.done = true;
      return true;
    }
    return false;
  }

  async fill(): Promise<void> {
    // Move the partial frame to the front, then read behind it until it is whole.
    if (this.next > 0) {
      this.buf.copyWithin(0, this.next, this.limit);
      this.limit -= this.next;
      this.next = 0;
    }
    for (;;) {
      if (this.limit > 0 && parseFrame(this.buf, 0, this.limit, this.frame)) return;
      if (this.eof) {
        if (this.limit === 0) {
          this.done = true;
          return;
        }
        throw new Error(`corrupt spill run ${this.path}: it ends inside a frame`);
      }
      if (this.limit === this.buf.length) {
        // A frame larger than the buffer: grow for it (one huge value, say), keeping what was read.
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, this.limit);
        this.buf = bigger;
      }
      const { bytesRead } = await this.handle!.read(this.buf, this.limit, this.buf.length - this.limit, null);
      if (bytesRead === 0) {
        this.eof = true;
        await this.close();
        await fs.promises.rm(this.path, { force: true });
      }
      this.limit += bytesRead;
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
