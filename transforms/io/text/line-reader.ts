/**
 * Reads the lines of a byte range of a text file (or of a whole gzip file) in batches.
 *
 * Range semantics are Hadoop's and Beam TextIO's: a range `[start, end)` owns every line whose first byte is in
 * `[start, end)`. A reader of a range that does not begin the file therefore starts one byte early, at
 * `start - 1`, and skips through the first `\n` it finds: if the byte at `start - 1` is itself `\n`, the line at
 * `start` begins exactly there and is ours; otherwise we are inside a line the previous range owns. A line that
 * begins before `end` is read to its end even past `end`. So adjacent ranges read every line exactly once,
 * whatever the boundaries.
 *
 * ```
 *   bytes:   a b \n c d e \n f \n
 *   offset:  0 1 2  3 4 5 6  7 8
 *   [0, 4) → "ab", "cde"    (cde starts at 3 < 4, read past 4)
 *   [4, 8) → "f"            (skip from 3 through the \n at 6; f starts at 7)
 *   [8, 9) → nothing        (skip from 7 through the \n at 8; next start 9 ≥ end)
 * ```
 * @module
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import { pipeline } from "node:stream";
import zlib from "node:zlib";

/** Bytes per read. Large enough that a Promise per read costs nothing next to the bytes it brings. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** A batch is yielded once it has this many lines... */
const MAX_BATCH_LINES = 4096;
/** ...or this many bytes, whichever comes first, so one huge batch never holds a whole file. */
const MAX_BATCH_BYTES = 256 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The lines whose first byte is in `[start, end)` of an uncompressed file, in batches.
 * @param chunkBytes bytes per read (tests use tiny chunks to put boundaries everywhere)
 * @example
 * for await (const lines of readLineRange("in.txt", 0, 1 << 20)) console.log(lines.length);
 */
export async function* readLineRange(
  filePath: string,
  start: number,
  end: number,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<string[]> {
  for await (const batch of readLineRangeBatches(filePath, start, end, chunkBytes)) yield batch.lines;
}

/**
 * The lines of a range, like {@link readLineRange}, each with the byte offset of its first byte in the file:
 * record readers name where a bad record is.
 * @example
 * for await (const { lines, offsets } of readLineRangeBatches("in.csv", 0, 1 << 20)) console.log(lines[0], offsets[0]);
 */
export async function* readLineRangeBatches(
  filePath: string,
  start: number,
  end: number,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<LineBatch> {
  if (!(end > start)) return;
  const from = start > 0 ? start - 1 : 0;
  yield* withPath(filePath, linesOf(fileChunks(filePath, from, chunkBytes), from, start, end));
}

/**
 * Every line of a gzip file (concatenated gzip members included), decompressed as a stream, in batches.
 * @example
 * for await (const lines of readGzipLines("in.txt.gz")) console.log(lines.length);
 */
export async function* readGzipLines(filePath: string, chunkBytes: number = DEFAULT_CHUNK_BYTES): AsyncGenerator<string[]> {
  for await (const batch of readGzipLineBatches(filePath, chunkBytes)) yield batch.lines;
}

/**
 * Every line of a gzip file, like {@link readGzipLines}, each with its offset in the decompressed bytes.
 * @example
 * for await (const { lines, offsets } of readGzipLineBatches("in.csv.gz")) console.log(lines.length, offsets.at(-1));
 */
export async function* readGzipLineBatches(filePath: string, chunkBytes: number = DEFAULT_CHUNK_BYTES): AsyncGenerator<LineBatch> {
  yield* withPath(filePath, linesOf(gunzipChunks(filePath, chunkBytes), 0, 0, Infinity));
}

/** A batch of lines and, index for index, the (decompressed) byte offset where each begins. */
export interface LineBatch {
  readonly lines: string[];
  readonly offsets: number[];
}

/**
 * How many `\n` bytes an uncompressed file has before `end`: the line number a range reader starts at, which
 * it asks for only when it must name a bad record's line (reading the file's start costs a pass over it).
 * @example
 * const linesBefore = await countNewlines("in.csv", split.start); // the first line of the split is linesBefore + 1
 */
export async function countNewlines(filePath: string, end: number, chunkBytes: number = DEFAULT_CHUNK_BYTES): Promise<number> {
  let count = 0;
  let pos = 0;
  for await (const chunk of fileChunks(filePath, 0, chunkBytes)) {
    const usable = Math.min(chunk.length, end - pos);
    for (let i = chunk.indexOf(NEWLINE); i >= 0 && i < usable; i = chunk.indexOf(NEWLINE, i + 1)) count++;
    pos += chunk.length;
    if (pos >= end) break;
  }
  return count;
}

/**
 * Cuts a stream of chunks into lines and keeps those whose first byte is in `[start, end)`.
 * Splitting happens on the byte 0x0A before any decoding: in UTF-8 that byte only ever means `\n` (it never
 * occurs inside a multi-byte character), so each line is decoded whole and a character cut by a chunk boundary
 * is never mangled.
 * @param offset absolute file position of the first byte of the first chunk (`start - 1`, or 0)
 */
async function* linesOf(chunks: AsyncIterable<Buffer>, offset: number, start: number, end: number): AsyncGenerator<LineBatch> {
  // Invariants: `pos` is the file position of the current chunk's first byte. While `skipping`, we are in the
  // line the previous range owns. Otherwise `lineStart` is the position of the current line's first byte
  // (always < end) and `carry` holds its bytes from earlier chunks.
  let skipping = start > 0;
  let lineStart = start;
  let carry: Buffer[] = [];
  let batch: string[] = [];
  let offsets: number[] = [];
  let batchBytes = 0;
  let pos = offset;
  for await (const chunk of chunks) {
    let i = 0;
    if (skipping) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        pos += chunk.length;
        continue;
      }
      skipping = false;
      i = nl + 1;
      lineStart = pos + i;
      if (lineStart >= end) return;
    }
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, i);
      if (nl < 0) {
        if (i < chunk.length) carry.push(chunk.subarray(i));
        break;
      }
      batch.push(decodeLine(carry, chunk, i, nl, lineStart === 0));
      offsets.push(lineStart);
      if (carry.length > 0) carry = [];
      batchBytes += nl + 1 - i;
      i = nl + 1;
      lineStart = pos + i;
      if (lineStart >= end) {
        if (batch.length > 0) yield { lines: batch, offsets };
        return;
      }
      if (batch.length >= MAX_BATCH_LINES || batchBytes >= MAX_BATCH_BYTES) {
        yield { lines: batch, offsets };
        batch = [];
        offsets = [];
        batchBytes = 0;
      }
    }
    pos += chunk.length;
  }
  // A last line without a trailing newline still counts (it began before `end`, or we would have returned),
  // except a byte order mark alone: that file is empty, not one empty line.
  if (!skipping && carry.length > 0 && !(lineStart === 0 && isBomOnly(carry))) {
    batch.push(decodeLine(carry, EMPTY, 0, 0, lineStart === 0));
    offsets.push(lineStart);
  }
  if (batch.length > 0) yield { lines: batch, offsets };
}

const EMPTY = Buffer.alloc(0);

/**
 * Decodes `carry` + `chunk[from, to)` as one UTF-8 line, without its `\r` and, at the file's start, its BOM.
 * Shared by the bounded text reader and the text stream.
 */
export function decodeLine(carry: readonly Buffer[], chunk: Buffer, from: number, to: number, atFileStart: boolean): string {
  let buf = chunk;
  let a = from;
  let b = to;
  if (carry.length > 0) {
    buf = Buffer.concat([...carry, chunk.subarray(from, to)]);
    a = 0;
    b = buf.length;
  }
  if (b > a && buf[b - 1] === CARRIAGE_RETURN) b--;
  if (atFileStart && b - a >= 3 && buf[a] === 0xef && buf[a + 1] === 0xbb && buf[a + 2] === 0xbf) a += 3;
  return buf.toString("utf8", a, b);
}

function isBomOnly(carry: readonly Buffer[]): boolean {
  const bytes = Buffer.concat(carry);
  return bytes.length === 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Chunks of a file from `from` to its end. Closes the file when the consumer stops early. */
async function* fileChunks(filePath: string, from: number, chunkBytes: number): AsyncGenerator<Buffer> {
  const size = Math.max(1, Math.floor(chunkBytes));
  const fh = await fsp.open(filePath, "r");
  try {
    let pos = from;
    for (;;) {
      // A fresh buffer per read: `carry` keeps slices of earlier chunks, so a buffer is never reused.
      const buf = Buffer.allocUnsafeSlow(size);
      const { bytesRead } = await fh.read(buf, 0, size, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Decompressed chunks of a gzip file. */
async function* gunzipChunks(filePath: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const gunzip = zlib.createGunzip({ chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, Math.floor(chunkBytes)) });
  // `pipeline` (not `pipe`) forwards a read error of the file to the gunzip stream, which ends our iteration
  // with it; leaving the loop early destroys both streams.
  pipeline(fs.createReadStream(filePath), gunzip, () => {});
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } finally {
    gunzip.destroy();
  }
}

/** Rethrows read errors with the file's path, which zlib and fs messages do not always name. */
async function* withPath<B>(filePath: string, lines: AsyncGenerator<B>): AsyncGenerator<B> {
  try {
    yield* lines;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (message.includes(filePath)) throw e;
    throw new Error(`cannot read '${filePath}': ${message}`, { cause: e });
  }
}
