/**
 * Sluice: write a dataflow pipeline once, run it on the runner you pick.
 *
 * This module is the public SDK: the model ({@link PCollection}, {@link DoFn}, windows, panes), pipeline
 * construction ({@link Pipeline}, {@link definePipeline}) and the primitives. Composite transforms and IO are in
 * `sluice/transforms`; testing helpers in `sluice/testing`.
 * @module
 */
export { Pipeline } from "./pipeline.js";
export { PCollection, type ParDoOptions } from "./pcollection.js";
export { PBegin, ptransform, type PTransform, type PValue } from "./ptransform.js";
export {
  definePipeline,
  findPipeline,
  runMain,
  type PipelineDefinition,
  type PipelineSpec,
} from "./define-pipeline.js";
export { UsageError, parseOptions } from "./parse-options.js";
export {
  STANDARD_OPTIONS,
  defaultOptions,
  optionDefaults,
  type OptionsSpec,
  type ParsedOptions,
  type PipelineOptions,
  type StandardOptions,
} from "./options.js";
export {
  PipelineError,
  type Job,
  type PipelineResult,
  type PipelineSource,
  type Runner,
  type RunnerDeclaration,
  type RunStats,
  type StageStats,
} from "./runner-api.js";
export {
  counter,
  distribution,
  gauge,
  queryMetrics,
  type Counter,
  type Distribution,
  type DistributionValue,
  type Gauge,
  type MetricResult,
  type MetricResults,
} from "./metrics.js";
export {
  checkPrivateDir,
  checkPrivateFile,
  cleanUpRunDir,
  jobOwnerPid,
  makeNamedPrivateDir,
  makePrivateDir,
  onInterrupt,
  privateDirName,
  removePrivateDir,
  removeStaleDirs,
  runCleansUp,
  currentRunDir,
  runnerEnvironment,
  setRunDir,
  writePrivateFile,
  type PrivateDirOwner,
} from "./files/private-dir.js";
export { commitFiles, readCommit, resumeCommit, rollBackCommit, type CommitPlan } from "./files/file-commit.js";
export { graphFingerprint, primitives, consumersOf } from "./graph.js";
export type * from "./graph.js";

export { kv, type KV, type KeyOf, type ValueOf } from "./model/kv.js";
export type { DoFn, OutputOptions, ProcessContext, StartBundleContext, FinishBundleContext, TeardownContext, TeardownReason } from "./model/dofn.js";
export type { CombineFn } from "./model/combine-fn.js";
export { combineValuesWithContext, type CombineContext, type CombineFnWithContext } from "./model/combine-fn-with-context.js";
export {
  StateSpecs,
  TimerSpecs,
  type BagState,
  type BagStateSpec,
  type CombiningState,
  type CombiningStateSpec,
  type MapState,
  type MapStateSpec,
  type OrderedListState,
  type OrderedListStateSpec,
  type SetState,
  type SetStateSpec,
  type StateAccessors,
  type StateDeclarations,
  type StateOfSpec,
  type StateSpec,
  type TimeDomain,
  type Timer,
  type TimerAccessors,
  type TimerDeclarations,
  type TimerFamily,
  type TimerFamilySpec,
  type TimerOptions,
  type TimerSpec,
  type ValueState,
  type ValueStateSpec,
} from "./model/state.js";
export {
  statefulDoFn,
  type OnTimerContext,
  type StatefulDoFn,
  type StatefulProcessContext,
  type WindowExpirationContext,
} from "./model/stateful-dofn.js";
export type { BoundedSource } from "./model/source.js";
export {
  timestamped,
  isUnboundedSource,
  type TimestampedValue,
  type UnboundedReader,
  type UnboundedSource,
} from "./model/unbounded-source.js";
export type { Coder } from "./model/coder.js";
export { asSingleton, asIterable, asMap, asMultimap, type PCollectionView, type ViewKind, type ViewOptions, type WindowMappingFn } from "./model/view.js";
export {
  TIMESTAMP_MIN_VALUE,
  TIMESTAMP_MAX_VALUE,
  END_OF_GLOBAL_WINDOW,
  isValidTimestamp,
  formatInstant,
  type Instant,
} from "./model/time.js";
export { GlobalWindow, IntervalWindow, GLOBAL_WINDOW, type BoundedWindow } from "./model/window.js";
export { GlobalWindows, type WindowFn, type WindowMerge, type WindowCoder } from "./model/window-fn.js";
export { globalWindowCoder, intervalWindowCoder, encodeWindowData, decodeWindowData, type WindowData, type CustomWindowData } from "./model/window-coder.js";
export { FixedWindows, SlidingWindows, Sessions, InvalidWindows, mergeOverlappingIntervals } from "./model/window-fns.js";
export {
  GLOBAL_WINDOWING,
  describeWindowing,
  type WindowingStrategy,
  type AccumulationMode,
  type TimestampCombiner,
  type ClosingBehavior,
  type OnTimeBehavior,
} from "./model/windowing-strategy.js";
export {
  AfterAll,
  AfterAny,
  AfterCount,
  AfterEach,
  AfterProcessingTime,
  AfterWatermark,
  DefaultTrigger,
  Never,
  OrFinally,
  Repeatedly,
  describeTrigger,
  type Trigger,
  type TriggerKind,
  type DefaultTriggerNode,
  type AfterWatermarkNode,
  type AfterCountNode,
  type AfterProcessingTimeNode,
  type RepeatedlyNode,
  type AfterEachNode,
  type AfterAllNode,
  type AfterAnyNode,
  type OrFinallyNode,
  type NeverNode,
} from "./model/triggers.js";
export { NO_FIRING, ON_TIME_AND_ONLY_FIRING, paneInfo, type PaneInfo, type PaneTiming } from "./model/pane.js";

export { parDo, parDoWithOutputs, type TaggedOutputs } from "./primitives/par-do.js";
export { groupByKey } from "./primitives/group-by-key.js";
export { flatten } from "./primitives/flatten.js";
export { impulse } from "./primitives/impulse.js";
export { read, readUnbounded } from "./primitives/read.js";
export { configureWindowing, windowInto, type ConfigureWindowingOptions, type WindowIntoOptions } from "./primitives/assign-windows.js";
export { combinePerKey, combineValues, type CombinePerKeyOptions } from "./primitives/combine-per-key.js";
export type { CombineWithSideInputsOptions } from "./primitives/combine-with-side-inputs.js";
