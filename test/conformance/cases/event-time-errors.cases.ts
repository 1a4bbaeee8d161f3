/**
 * Bad event-time input: each a clear error, at construction or at the element, naming the transform. Errors at
 * construction happen before any runner is involved; the ones at an element are checked on every runner that
 * runs the pipeline.
 */
import {
  AfterCount,
  definePipeline,
  FixedWindows,
  groupByKey,
  kv,
  Sessions,
  timestamped,
  windowInto,
  type KV,
  type Trigger,
} from "../../../sdk/index.js";
import { create, withTimestamps } from "../../../transforms/index.js";
import { testStream } from "../../../sdk/testing/index.js";
import { at } from "./event-time-support.js";

export const afterCountZero = definePipeline(import.meta, {
  name: "afterCountZero",
  build(p) {
    p.apply(create([1])).apply(windowInto(new FixedWindows(10), { trigger: AfterCount(0), accumulation: "DISCARDING", allowedLateness: 0 }));
  },
});

export const handBuiltAfterCountZero = definePipeline(import.meta, {
  name: "handBuiltAfterCountZero",
  build(p) {
    const trigger = { kind: "AfterCount", count: 0 } as Trigger;
    p.apply(create([1])).apply("Every0", windowInto(new FixedWindows(10), { trigger, accumulation: "DISCARDING", allowedLateness: 0 }));
  },
});

export const testStreamWatermarkBackwards = definePipeline(import.meta, {
  name: "testStreamWatermarkBackwards",
  build(p) {
    p.apply(testStream<number>().advanceWatermarkTo(10).advanceWatermarkTo(5).advanceWatermarkToInfinity());
  },
});

export const testStreamInvalidTimestamp = definePipeline(import.meta, {
  name: "testStreamInvalidTimestamp",
  build(p) {
    p.apply(testStream<number>().addElements(timestamped(1, Number.NaN)).advanceWatermarkToInfinity());
  },
});

/** A trigger that finishes before the window is garbage collected would silently drop what comes after. */
export const unsafeTriggerAtGroupByKey = definePipeline(import.meta, {
  name: "unsafeTriggerAtGroupByKey",
  build(p) {
    p.apply(create([kv("k", 1)]))
      .apply(windowInto<KV<string, number>>(new FixedWindows(10), { trigger: AfterCount(2), accumulation: "DISCARDING", allowedLateness: 10 }))
      .apply("Group", groupByKey());
  },
});

export const unboundedGlobalWindowDefaultTrigger = definePipeline(import.meta, {
  name: "unboundedGlobalWindowDefaultTrigger",
  build(p) {
    p.apply(testStream<KV<string, number>>().addElements(at(1)).advanceWatermarkToInfinity()).apply("Group", groupByKey());
  },
});

export const triggerWithoutAllowedLateness = definePipeline(import.meta, {
  name: "triggerWithoutAllowedLateness",
  build(p) {
    p.apply(create([1])).apply("Window", windowInto(new FixedWindows(10), { trigger: AfterCount(1), accumulation: "DISCARDING" }));
  },
});

export const sessionsGroupedTwice = definePipeline(import.meta, {
  name: "sessionsGroupedTwice",
  build(p) {
    const once = p.apply(create([kv("k", 1)])).apply(windowInto<KV<string, number>>(new Sessions(10))).apply("Once", groupByKey());
    once.map(({ key, value }) => kv(key, value.length)).apply("Twice", groupByKey());
  },
});

/** Invalid timestamps in a stream fail at the element, naming the step. */
export const withTimestampsInAStream = definePipeline(import.meta, {
  name: "withTimestampsInAStream",
  build(p) {
    p.apply(testStream<number>().addElements(timestamped(1, 1), timestamped(2, 2)).advanceWatermarkToInfinity()).apply(
      withTimestamps((x: number) => (x === 2 ? Number.POSITIVE_INFINITY : x)),
    );
  },
});
