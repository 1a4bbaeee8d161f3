/**
 * Text streams: {@link readTextStream} follows growing files and directories of arriving files, line by line.
 * @module
 */
export { readTextStream } from "./read-text-stream.js";
export {
  TextStreamSource,
  type ReadTextStreamOptions,
  type TextStreamCheckpoint,
  type TextStreamSplit,
} from "./text-stream-source.js";
