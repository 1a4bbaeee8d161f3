/**
 * JSON Lines files: {@link readJsonl} reads one value a line (gzip, parallel byte ranges, schemas, bad-record
 * handling); {@link writeJsonl} writes them as `writeText` does (deterministic, atomic, sharded).
 * @module
 */
export { readJsonl, type JsonlElement, type ReadJsonlOptions } from "./read-jsonl.js";
export { writeJsonl, type WriteJsonlOptions } from "./write-jsonl.js";
