/**
 * The frame: one shuffle record as bytes, the same in memory (the sort buffer's arena) and on disk (a run file),
 * so spilling a sorted buffer and merging runs copy frames without decoding them.
 *
 * ```
 *  ┌──────────┬──────────┬────────────────────────┬──────────┬───────────┬───────────┬──────────┬───────────┐
 *  │ u32 LE   │ varint   │ sort key (skLen bytes) │ varint   │ key       │ f64 LE    │ varint   │ value     │
 *  │ key hash │ skLen    │ encodeKey(key)\0window │ kLen     │ (kLen)    │ timestamp │ vLen     │ (vLen)    │
 *  └──────────┴──────────┴────────────────────────┴──────────┴───────────┴───────────┴──────────┴───────────┘
 * ```
 *
 * **Order.** Frames sort by (key hash, sort-key bytes). The sort key is the UTF-8 of
 * `encodeKey(key) + "\0" + windowText(window)` (the window coder's data, in base64: `codecs.ts`); `encodeKey`
 * never emits a raw NUL (strings are JSON-quoted, so control characters are escaped), so the first NUL separates key from window, and equal (key, window) pairs have equal
 * sort keys. The hash ({@link keyTextHash}) covers the key part only, so all windows of a key are adjacent too
 * (a merging window function needs them together). Leading with a hash makes the in-memory sort a native numeric
 * sort of (hash, index) pairs, about ten times faster than comparing bytes in a comparator; only records whose
 * hashes collide are compared as bytes. The price: groups come out in hash order, not alphabetically (Spark's
 * external sorter makes the same trade).
 *
 * **Key.** An empty key field means "read the key from the sort key": a string key is the JSON text before the
 * NUL, a number key its decimal text. That saves an encode per record for the common keys; other keys (and all
 * keys of a store with its own key coder) are stored as the coder's bytes.
 * @module
 */

/** Positions of one parsed frame's fields inside the buffer that holds it. Reused: parsing allocates nothing. */
export interface FrameView {
  start: number;
  /** The 27-bit hash of the key's encoding: the first part of the order. */
  hash: number;
  skStart: number;
  skEnd: number;
  keyStart: number;
  keyEnd: number;
  timestamp: number;
  valueStart: number;
  valueEnd: number;
  /** One past the last byte of the frame: where the next frame starts. */
  end: number;
}

/** A fresh, empty {@link FrameView}. */
export function frameView(): FrameView {
  return { start: 0, hash: 0, skStart: 0, skEnd: 0, keyStart: 0, keyEnd: 0, timestamp: 0, valueStart: 0, valueEnd: 0, end: 0 };
}

/** Bits of the key hash kept; with {@link INDEX_BITS} they fill a float64's 53-bit integer range. */
export const HASH_BITS = 27;
/** Bits left for a record's index in a sort buffer: at most 2^26 records are sorted at once. */
export const INDEX_BITS = 26;

/** Where {@link keyTextHash} leaves the UTF-8 length of the text it hashed (no object made per call). */
export const hashedText = { utf8Length: 0 };

/**
 * The order's hash of a key's canonical text: FNV-1a over its UTF-8 bytes (computed from the UTF-16 text, so no
 * bytes are made), keeping the top {@link HASH_BITS} bits. Leaves the text's UTF-8 length in {@link hashedText}.
 */
export function keyTextHash(text: string): number {
  let h = 0x811c9dc5;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    // The UTF-8 bytes of c (or of the surrogate pair at i); a lone surrogate hashes as U+FFFD, as Buffer writes it.
    if (c >= 0xd800 && c < 0xe000) {
      const d = text.charCodeAt(i + 1);
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), 0x01000193);
      bytes += 1;
    } else {
      if (c < 0x10000) {
        h = Math.imul(h ^ (0xe0 | (c >> 12)), 0x01000193);
        bytes += 2;
      } else {
        h = Math.imul(h ^ (0xf0 | (c >> 18)), 0x01000193);
        h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), 0x01000193);
        bytes += 2; // four bytes for two UTF-16 units
      }
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
    }
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
  }
  hashedText.utf8Length = bytes;
  return h >>> (32 - HASH_BITS);
}

/** Bytes a varint of `n` takes (7 bits a byte). */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Writes `n` (an unsigned 32-bit integer) as a varint at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** A frame's size, given its parts' sizes (the sort key's in UTF-8 bytes). */
export function frameSize(skBytes: number, keyBytes: number, valueBytes: number): number {
  return 4 + varintSize(skBytes) + skBytes + varintSize(keyBytes) + keyBytes + 8 + varintSize(valueBytes) + valueBytes;
}

/**
 * Writes `text` (`bytes` long in UTF-8) at `pos`. Short ASCII text (nearly every key) is copied by a loop, which
 * beats the native call for a few dozen bytes.
 */
function writeText(buf: Buffer, pos: number, text: string, bytes: number): void {
  if (bytes === text.length && bytes <= 64) {
    for (let i = 0; i < bytes; i++) buf[pos + i] = text.charCodeAt(i);
  } else {
    buf.write(text, pos, bytes, "utf8");
  }
}

/**
 * Writes a frame for a record entering the store: its sort key is `keyText`, NUL, `windowId` (given with their
 * UTF-8 lengths, so the string is never concatenated). The caller guarantees room for {@link frameSize} bytes at
 * `pos`. Returns the end of the frame.
 */
export function writeFrame(
  buf: Buffer,
  pos: number,
  hash: number,
  keyText: string,
  keyTextBytes: number,
  windowId: string,
  windowIdBytes: number,
  key: Uint8Array | undefined,
  timestamp: number,
  value: Uint8Array,
): number {
  buf.writeUInt32LE(hash, pos);
  pos = writeVarint(buf, pos + 4, keyTextBytes + 1 + windowIdBytes);
  writeText(buf, pos, keyText, keyTextBytes);
  pos += keyTextBytes;
  buf[pos++] = 0;
  writeText(buf, pos, windowId, windowIdBytes);
  pos += windowIdBytes;
  if (key === undefined) {
    buf[pos++] = 0;
  } else {
    pos = writeVarint(buf, pos, key.length);
    buf.set(key, pos);
    pos += key.length;
  }
  pos = buf.writeDoubleLE(timestamp, pos);
  pos = writeVarint(buf, pos, value.length);
  buf.set(value, pos);
  return pos + value.length;
}

/**
 * Writes a frame with the hash, sort key and key of the frame `f` of `src` but another timestamp and value (a
 * combined accumulator). The caller guarantees room for `frameSize(f.skEnd - f.skStart, f.keyEnd - f.keyStart,
 * value.length)` bytes at `pos`. Returns the end of the frame.
 */
export function writeFrameWithValue(buf: Buffer, pos: number, src: Buffer, f: FrameView, timestamp: number, value: Uint8Array): number {
  buf.writeUInt32LE(f.hash, pos);
  pos = writeVarint(buf, pos + 4, f.skEnd - f.skStart);
  pos += src.copy(buf, pos, f.skStart, f.skEnd);
  pos = writeVarint(buf, pos, f.keyEnd - f.keyStart);
  pos += src.copy(buf, pos, f.keyStart, f.keyEnd);
  pos = buf.writeDoubleLE(timestamp, pos);
  pos = writeVarint(buf, pos, value.length);
  buf.set(value, pos);
  return pos + value.length;
}

/**
 * Parses the frame at `pos` of `buf[.., limit)` into `out`. Returns false, leaving `out` unspecified, when the
 * frame is not wholly inside the limit (a reader then reads more). Throws on bytes that cannot be a frame.
 */
export function parseFrame(buf: Buffer, pos: number, limit: number, out: FrameView): boolean {
  // Varints inline, with a one-byte fast path: this runs once per record per merge pass.
  if (pos + 5 > limit) return false;
  out.start = pos;
  out.hash = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! * 0x1000000);
  pos += 4;
  let n = buf[pos++]!;
  if (n >= 0x80) {
    n &= 0x7f;
    for (let scale = 0x80; ; scale *= 0x80) {
      if (pos >= limit) return false;
      const b = buf[pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) break;
      if (scale > 0x10000000) throw corrupt();
    }
  }
  out.skStart = pos;
  pos += n;
  out.skEnd = pos;
  if (pos >= limit) return false;
  n = buf[pos++]!;
  if (n >= 0x80) {
    n &= 0x7f;
    for (let scale = 0x80; ; scale *= 0x80) {
      if (pos >= limit) return false;
      const b = buf[pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) break;
      if (scale > 0x10000000) throw corrupt();
    }
  }
  out.keyStart = pos;
  pos += n;
  out.keyEnd = pos;
  if (pos + 9 > limit) return false;
  out.timestamp = buf.readDoubleLE(pos);
  pos += 8;
  n = buf[pos++]!;
  if (n >= 0x80) {
    n &= 0x7f;
    for (let scale = 0x80; ; scale *= 0x80) {
      if (pos >= limit) return false;
      const b = buf[pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) break;
      if (scale > 0x10000000) throw corrupt();
    }
  }
  out.valueStart = pos;
  pos += n;
  out.valueEnd = pos;
  out.end = pos;
  return pos <= limit;
}

function corrupt(): Error {
  return new Error("corrupt spill run: a frame length does not fit 32 bits");
}

/**
 * Compares `a[aStart, aEnd)` with `b[bStart, bEnd)` as unsigned bytes (shorter prefix first). A plain loop: for
 * the short keys of a shuffle it is about three times faster than `Buffer.compare` with ranges, whose native call
 * dominates (measured: sorting 300k keys, 140 ms vs 410 ms).
 */
export function compareBytes(a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): number {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aLen - bLen;
}
