/**
 * readText: the lines of text files as a PCollection.
 * @module
 */
import { read, type PBegin, type PCollection, type PTransform } from "../../../sdk/index.js";
import { TextSource, type TextSourceOptions } from "./text-source.js";

/**
 * Reads text files, one element per line. A line ends at `\n` or `\r\n`, which are not part of the element; a
 * last line without a newline counts; an empty file gives nothing; a UTF-8 byte order mark at the start of a file
 * is dropped. Files ending in `.gz` are decompressed. Big files are read in parallel, in byte ranges.
 *
 * Patterns are expanded when the run starts; a glob that matches no file, or a plain path that does not exist,
 * fails the run (`no files match '<pattern>'`, `no such file '<path>'`).
 * @param pattern a path or glob (`logs/*.txt`, `data/**\/part-*.gz`), or several
 * @param options how finely to split and how much to read at a time (the defaults suit most files)
 * @example
 * const lines = p.apply(readText("input/*.txt"));
 * lines.apply(countPerElement());
 */
export function readText(pattern: string | readonly string[], options: TextSourceOptions = {}): PTransform<PBegin, PCollection<string>> {
  const source = new TextSource(pattern, options);
  return {
    name: "ReadText",
    expand: (begin) => begin.pipeline.apply("Read", read(source)),
  };
}
