/**
 * readTextStream: the lines of growing files and of files arriving in a directory, as an unbounded PCollection.
 * @module
 */
import { readUnbounded, type PBegin, type PCollection, type PTransform } from "../../../sdk/index.js";
import { TextStreamSource, type ReadTextStreamOptions } from "./text-stream-source.js";

/**
 * Follows text files as they grow and as new ones arrive, one element per line, each line exactly once.
 *
 * - **What is followed**: a glob (`incoming/*.csv`, `logs/**\/*.log`), a directory (the files directly in it,
 *   dot files excluded, so write `.name.tmp` and rename it into place), or a file, which may not exist yet. The
 *   patterns are looked at every `pollIntervalMs` (default 500 ms); new files are picked up as they appear.
 * - **Lines**: a line is taken once its `\n` has arrived (an unterminated last line waits for it); `\r\n`
 *   works too, and a UTF-8 byte order mark at the start of a file is dropped. A `.gz` file is read once, whole,
 *   when it appears (it must be complete by then: write it elsewhere and move it in). Files are expected to only
 *   grow; one that shrinks is followed again from its start, like `tail -F`.
 * - **Timestamps and watermark**: by default a line is stamped with the wall-clock time the reader found it
 *   complete, and the watermark is the arrival time of the oldest line not yet handed to the runner, or the
 *   current time when there is none. With `timestampFn(line, file)` the watermark is unknown, so it stays at the
 *   beginning of time, unless `watermarkLagMs` lets it trail the largest timestamp seen by that much.
 * - **Checkpoints**: per file, the byte offset after the last line handed over (for `.gz` files, the number of
 *   lines), so a reader resumed from one neither repeats nor skips a line.
 * - **Splits**: one; a single reader watches every file.
 * - **End**: never, unless `stopAfterIdleMs` is given: after that long without new data, unterminated last
 *   lines are emitted as lines and the stream ends (its watermark jumps to the end of time).
 * @param pattern a glob, directory or file path, or several
 * @param options polling, timestamps and when to stop
 * @example
 * const perMinute = p
 *   .apply(readTextStream("incoming/*.log", { pollIntervalMs: 1_000 }))
 *   .apply(windowInto(new FixedWindows(60_000)))
 *   .apply(countPerElement());
 */
export function readTextStream(pattern: string | readonly string[], options: ReadTextStreamOptions = {}): PTransform<PBegin, PCollection<string>> {
  const source = new TextStreamSource(pattern, options);
  return {
    name: "ReadTextStream",
    expand: (begin) => begin.pipeline.apply(readUnbounded(source)),
  };
}
