/**
 * The in-memory side of a combining store: one accumulator per (key, window), merged as records arrive, like the
 * map-side combine of Spark's external sorter. A combine over many duplicates of few keys then never spills.
 *
 * Accumulators are live objects (merging encoded bytes would cost an encode and a decode per record), so their
 * size is estimated: the encoded size of the first value plus a fixed overhead per entry, re-measured by encoding
 * the accumulator after its 1st, 2nd, 4th, 8th... merge. An accumulator that grows (a list, a sample) is thus
 * never more than twice under-counted, for O(log n) encodes per key instead of n.
 * @module
 */
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { RangeCoder } from "./codecs.js";
import { frameSize, writeFrame } from "./frame.js";
import type { RunWriter } from "./run-file.js";

/**
 * Bytes counted per entry beyond its key text and encoded accumulator: the Map entry, the entry object and the
 * key's and accumulator's object headers (measured on Node 20 with small keys and numeric accumulators: about 150).
 */
export const ENTRY_OVERHEAD_BYTES = 160;

/** One (key, window) and its accumulator. */
export interface CombinedEntry {
  /** The key hash (see the frame's order). */
  readonly hash: number;
  readonly sortKey: string;
  readonly key: unknown;
  readonly window: BoundedWindow;
  /** The combined timestamp (earliest or latest of the merged records). */
  timestamp: number;
  accumulator: unknown;
  /** Merges so far; the size is re-measured when this reaches a power of two. */
  merges: number;
  /** The bytes counted for this entry. */
  bytes: number;
}

export class CombiningBuffer {
  private readonly entries = new Map<string, CombinedEntry>();
  /** Bytes held, as counted against the budget. */
  bytes = 0;
  /** Records merged into an existing accumulator (never buffered on their own). */
  combined = 0;

  constructor(
    private readonly merge: (a: unknown, b: unknown) => unknown,
    /** Keep the earliest timestamp (else the latest). */
    private readonly earliest: boolean,
    private readonly valueCoder: RangeCoder,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  add(hash: number, sortKey: string, key: unknown, window: BoundedWindow, timestamp: number, value: unknown): void {
    const e = this.entries.get(sortKey);
    if (e === undefined) {
      const bytes = ENTRY_OVERHEAD_BYTES + 2 * sortKey.length + this.valueCoder.encode(value).length;
      this.entries.set(sortKey, { hash, sortKey, key, window, timestamp, accumulator: value, merges: 0, bytes });
      this.bytes += bytes;
      return;
    }
    e.accumulator = this.merge(e.accumulator, value);
    if (this.earliest ? timestamp < e.timestamp : timestamp > e.timestamp) e.timestamp = timestamp;
    this.combined++;
    const merges = ++e.merges;
    if ((merges & (merges - 1)) === 0) {
      const bytes = ENTRY_OVERHEAD_BYTES + 2 * sortKey.length + this.valueCoder.encode(e.accumulator).length;
      this.bytes += bytes - e.bytes;
      e.bytes = bytes;
    }
  }

  /** The entries in frame order: key hash, then the byte order of the sort keys' UTF-8, as in run files. */
  sorted(): CombinedEntry[] {
    return [...this.entries.values()].sort((a, b) => a.hash - b.hash || compareUtf8(a.sortKey, b.sortKey));
  }

  /** Writes the entries as a sorted run (one frame per entry); `encodeKey` gives undefined for implicit keys. */
  writeSorted(writer: RunWriter, encodeKey: (key: unknown) => Uint8Array | undefined): void {
    for (const e of this.sorted()) {
      const key = encodeKey(e.key);
      const value = this.valueCoder.encode(e.accumulator);
      const skBytes = Buffer.byteLength(e.sortKey, "utf8");
      writer.reserve(frameSize(skBytes, key === undefined ? 0 : key.length, value.length));
      writer.pos = writeFrame(writer.buf, writer.pos, e.hash, e.sortKey, skBytes, key, e.timestamp, value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

/**
 * Compares strings in the byte order of their UTF-8 (which is code point order). JavaScript's `<` compares UTF-16
 * code units, which disagrees only when a surrogate (part of a code point above U+FFFF) meets a unit in
 * U+E000–U+FFFF; such units are remapped so that surrogates sort above them.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca - cb;
  }
  return a.length - b.length;
}
