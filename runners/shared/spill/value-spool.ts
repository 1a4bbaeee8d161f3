/**
 * A hot key's values on disk: when one group of a spilling GroupByKey holds more than memory should, its values go
 * to a file of their own as they come out of the merge, and the group's `values` array reads them back as it is
 * indexed or iterated, a block at a time, instead of holding them all.
 * @module
 */
import fs from "node:fs";
import { RunWriter } from "./run-file.js";

/** Values a block holds at most, and bytes after which a block ends early (large values). */
const BLOCK_VALUES = 1024;
const BLOCK_BYTES = 256 * 1024;

/**
 * The encoded values of one group, in order, in a file: each value a 4-byte length and its bytes, in blocks whose
 * first index and file offset are kept in memory. Written once ({@link add}, then {@link finish}), then read by
 * the arrays {@link values} makes, until {@link close}.
 * @example
 * const spool = new ValueSpool(file, Buffer.allocUnsafe(64 * 1024), (buf, s, e) => coder.decode(buf, s, e));
 * for (const v of encoded) spool.add(v, 0, v.length, timestamp);
 * spool.finish();
 * const values = spool.values("GroupByKey");
 * values.length; values[3]; for (const v of values) use(v);
 */
export class ValueSpool {
  /** Values written. */
  count = 0;
  /** The earliest and latest timestamp of the values written. */
  minTimestamp = Infinity;
  maxTimestamp = -Infinity;
  private readonly writer: RunWriter;
  private readonly header = Buffer.allocUnsafe(4);
  /** Per block: the index of its first value and the file offset of its first byte. */
  private readonly blockFirst: number[] = [];
  private readonly blockOffset: number[] = [];
  private blockBytes = 0;
  private maxBlockBytes = 0;
  private fileBytes = 0;
  private fd = -1;
  private closed = false;

  constructor(
    readonly path: string,
    buffer: Buffer,
    /** Decodes one value from its bytes `buf[start, end)`. */
    private readonly decode: (buf: Buffer, start: number, end: number) => unknown,
  ) {
    this.writer = new RunWriter(path, buffer);
  }

  /** Appends one encoded value, `buf[start, end)`. */
  add(buf: Buffer, start: number, end: number, timestamp: number): void {
    const n = end - start;
    if (this.count % BLOCK_VALUES === 0 || this.blockBytes > BLOCK_BYTES) this.startBlock();
    this.header.writeUInt32LE(n, 0);
    this.writer.copy(this.header, 0, 4);
    this.writer.copy(buf, start, end);
    this.blockBytes += 4 + n;
    this.fileBytes += 4 + n;
    this.count++;
    if (timestamp < this.minTimestamp) this.minTimestamp = timestamp;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
  }

  /** Closes the file for writing and opens it for reading. */
  finish(): void {
    this.endBlock();
    this.writer.finish();
    this.fd = fs.openSync(this.path, "r");
  }

  /** Bytes in the file. */
  get bytes(): number {
    return this.fileBytes;
  }

  /** Stops reading (the owner deletes the file). Idempotent. */
  close(): void {
    this.writer.abort();
    this.closed = true;
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    fs.closeSync(fd);
  }

  /**
   * The values as a read-only array that reads them from the file: `length`, indexing and every array method work
   * (reading sequentially, each block is read and decoded once), writes throw as on a frozen array. Each value is
   * `map` of what was decoded. `step` names the transform in the error thrown when it is read after the spool
   * was closed.
   */
  values<T = unknown>(step: string, map: (decoded: unknown) => T = (v) => v as T): readonly T[] {
    const spool = this;
    const length = this.count;
    let cached: T[] = [];
    let cachedFirst = -1;
    let readBuf: Buffer | undefined;
    const at = (i: number): T => {
      if (spool.closed) spool.gone(step);
      if (cachedFirst < 0 || i < cachedFirst || i >= cachedFirst + cached.length) {
        const b = spool.blockOf(i);
        readBuf ??= Buffer.allocUnsafe(spool.maxBlockBytes);
        cached = spool.readBlock(b, readBuf, map, step);
        cachedFirst = spool.blockFirst[b]!;
      }
      return cached[i - cachedFirst]!;
    };
    const readOnly = (): never => {
      throw new TypeError(`${step}: a GroupByKey's values are read-only`);
    };
    const index = (prop: string | symbol): number => {
      if (typeof prop !== "string") return -1;
      const c = prop.charCodeAt(0);
      if (!(c >= 48 && c <= 57)) return -1;
      const i = Number(prop);
      return Number.isInteger(i) && String(i) === prop && i < length ? i : -1;
    };
    return new Proxy([] as T[], {
      get(target, prop, receiver) {
        if (prop === "length") return length;
        const i = index(prop);
        if (i >= 0) return at(i);
        return Reflect.get(target, prop, receiver) as unknown;
      },
      has(target, prop) {
        return index(prop) >= 0 || Reflect.has(target, prop);
      },
      getOwnPropertyDescriptor(target, prop) {
        if (prop === "length") return { value: length, writable: true, enumerable: false, configurable: false };
        const i = index(prop);
        if (i >= 0) return { value: at(i), writable: false, enumerable: true, configurable: true };
        return Reflect.getOwnPropertyDescriptor(target, prop);
      },
      ownKeys() {
        const keys: string[] = [];
        for (let i = 0; i < length; i++) keys.push(String(i));
        keys.push("length");
        return keys;
      },
      set: readOnly,
      deleteProperty: readOnly,
      defineProperty: readOnly,
      setPrototypeOf: readOnly,
    });
  }

  /** Throws what reading a closed spool's values does. */
  private gone(step: string): never {
    throw new Error(`${step}: the values of a key too large for memory were read from disk while its element was processed, and are gone now; copy them (Array.from) to keep them longer`);
  }

  private startBlock(): void {
    this.endBlock();
    this.blockFirst.push(this.count);
    this.blockOffset.push(this.fileBytes);
    this.blockBytes = 0;
  }

  private endBlock(): void {
    if (this.blockBytes > this.maxBlockBytes) this.maxBlockBytes = this.blockBytes;
  }

  /** The block holding value `i` (binary search over the blocks' first indices). */
  private blockOf(i: number): number {
    const first = this.blockFirst;
    let lo = 0;
    let hi = first.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (first[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private readBlock<T>(b: number, buf: Buffer, map: (decoded: unknown) => T, step: string): T[] {
    if (this.closed || this.fd < 0) this.gone(step);
    const start = this.blockOffset[b]!;
    const end = b + 1 < this.blockOffset.length ? this.blockOffset[b + 1]! : this.fileBytes;
    const n = end - start;
    let read = 0;
    while (read < n) {
      const got = fs.readSync(this.fd, buf, read, n - read, start + read);
      if (got === 0) throw new Error(`${step}: spill file ${this.path} ended early`);
      read += got;
    }
    const values: T[] = [];
    for (let pos = 0; pos < n; ) {
      const len = buf.readUInt32LE(pos);
      values.push(map(this.decode(buf, pos + 4, pos + 4 + len)));
      pos += 4 + len;
    }
    return values;
  }
}
