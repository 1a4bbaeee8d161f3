/**
 * Text files: {@link readText} reads lines (globs, gzip, parallel byte ranges); {@link writeText} writes
 * deterministic, atomic, sharded files.
 * @module
 */
export { readText } from "./read-text.js";
export { writeText, type WriteTextOptions } from "./write-text.js";
export { TextSource, type TextSplit, type TextSourceOptions } from "./text-source.js";
