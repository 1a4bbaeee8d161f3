/**
 * Spillable grouping for the reduce side of a shuffle: {@link ExternalGrouper} groups records by (key, window)
 * within a memory budget, spilling sorted runs to disk and merging them.
 * @module
 */
export {
  ExternalGrouper,
  type ExternalGrouperOptions,
  type GroupCombining,
  type Group,
  type GroupedRecord,
  type SpillStats,
  type GroupsOptions,
} from "./external-grouper.js";
export { ValueSpool } from "./value-spool.js";
export { windowFromText, windowText } from "./codecs.js";
