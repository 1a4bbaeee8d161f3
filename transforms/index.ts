/**
 * Composite transforms built only from the public SDK: they run on every runner. One transform a file.
 * @example
 * import { create, countPerElement, topLargest } from "sluice/transforms";
 * const counts = p.apply(create(["a", "b", "a"])).apply(countPerElement());
 * @module
 */
export { create, createSource, type CreateSplit } from "./create.js";
export { createTimestamped } from "./create-timestamped.js";
export { withKeys } from "./with-keys.js";
export { groupIntoBatches, type GroupIntoBatchesOptions } from "./group-into-batches.js";
export { deduplicate, deduplicatePerKey, type DeduplicateOptions } from "./deduplicate.js";
export { keys } from "./keys.js";
export { values } from "./values.js";
export { kvSwap } from "./kv-swap.js";
export { flatten } from "./flatten.js";
export { coGroupByKey, type CoGroupByKeyInputs, type CoGroupKey, type CoGroupResult } from "./co-group-by-key.js";
export { binaryCombineFn, combineGlobally, combinePerKey, type CombineGloballyOptions } from "./combine.js";
export { countFn, countGlobally, countPerElement, countPerKey } from "./count.js";
export { sumFn, sumGlobally, sumPerKey } from "./sum.js";
export { minFn, minGlobally, minPerKey } from "./min.js";
export { maxFn, maxGlobally, maxPerKey } from "./max.js";
export { meanFn, meanGlobally, meanPerKey, type MeanAccumulator } from "./mean.js";
export {
  naturalOrder,
  topFn,
  topLargest,
  topLargestPerKey,
  topSmallest,
  topSmallestPerKey,
  type Compare,
} from "./top.js";
export { distinct, type DistinctOptions } from "./distinct.js";
export { latestFn, latestGlobally, latestPerKey } from "./latest.js";
export { sampleAny } from "./sample-any.js";
export { sampleFn, sampleFixedSize, sampleFixedSizePerKey, type SampleAccumulator, type TaggedSample } from "./sample.js";
export { partition } from "./partition.js";
export { reshuffle } from "./reshuffle.js";
export { withTimestamps, type WithTimestampsOptions } from "./with-timestamps.js";
export { reifyTimestamps, reifyWindows, type ValueInWindow, type WindowDescription } from "./reify.js";
export { formatValue, toStringElements, toStringKvs } from "./to-string.js";
// IO
export * from "./io/text/index.js";
export * from "./io/records/index.js";
export * from "./io/jsonl/index.js";
export * from "./io/csv/index.js";
export * from "./io/parquet/index.js";
export {
  generateSequence,
  sequenceSource,
  type GenerateSequenceOptions,
  type SequenceCheckpoint,
  type SequenceSplit,
} from "./io/generate-sequence.js";
export * from "./io/text-stream/index.js";
export {
  periodicImpulse,
  periodicImpulseSource,
  type PeriodicImpulseOptions,
  type PeriodicImpulseSplit,
} from "./io/periodic-impulse.js";
