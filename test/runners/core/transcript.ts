/**
 * Transcript tests for grouping sides, in the spirit of Beam's `trigger_transcripts.yaml`: a script of inputs,
 * watermark and processing-time advances, and the exact panes expected after each step. Each transcript runs
 * against the grouping side `createGroupingSide` picks, against the general driver when the fast path would be
 * used (they must agree), and again with the state snapshotted, msgpack-encoded and restored after every step.
 */
import { expect } from "chai";
import { Packr } from "msgpackr";
import {
  END_OF_GLOBAL_WINDOW,
  GlobalWindow,
  IntervalWindow,
  TIMESTAMP_MAX_VALUE,
  type BoundedWindow,
  type CombineFn,
  type PaneInfo,
  type WindowFn,
  type WindowingStrategy,
} from "../../../sdk/index.js";
import type { WindowIntoOptions } from "../../../sdk/primitives/assign-windows.js";
import { GLOBAL_WINDOWING } from "../../../sdk/model/windowing-strategy.js";
import { checkedGroupingSide } from "../../../runners/direct/checked-grouping-side.js";
import { createGroupingSide, restoreGroupingSide, usesFastPath, type GroupingSide, type GroupingSpec } from "../../../runners/core/grouping-side.js";
import { ReduceFnRunner } from "../../../runners/core/reduce-fn-runner.js";
import type { Receiver } from "../../../runners/core/receiver.js";

/** An element: a bare number is a timestamp whose value is itself, under key "k". */
export type Element = number | { readonly key?: unknown; readonly ts: number; readonly value?: unknown };

export type Step =
  /** One bundle of elements (each assigned to its windows), then the check for triggers it made ready. */
  | { readonly input: readonly Element[] }
  | { readonly watermark: number }
  | { readonly processingTime: number }
  /** Every pane emitted since the previous `expect`, as rendered by {@link renderPane}, in any order across windows. */
  | { readonly expect: readonly string[] }
  | { readonly hold: number | "none" }
  | { readonly dropped: { readonly late?: number; readonly closed?: number } }
  | { readonly pending: boolean };

export interface Transcript {
  /** What it checks. */
  readonly name: string;
  /** The Beam case it ports, if any (a `trigger_transcripts.yaml` name or a `ReduceFnRunnerTest` method). */
  readonly beam?: string;
  readonly windowFn: WindowFn;
  readonly options?: WindowIntoOptions;
  /** Sum the values as a lifted combine (values are then accumulators). */
  readonly sum?: boolean;
  readonly script: readonly Step[];
}

export const sumFn: CombineFn<number, number, number> = {
  createAccumulator: () => 0,
  addInput: (a, x) => a + x,
  mergeAccumulators: (as) => as.reduce((a, b) => a + b, 0),
  extractOutput: (a) => a,
};

/** `k` panes render without the key; others as `key: ...`. */
export function renderPane(key: unknown, value: unknown, timestamp: number, window: BoundedWindow, pane: PaneInfo): string {
  const w = window instanceof GlobalWindow ? "global" : window instanceof IntervalWindow ? `[${window.start},${window.end})` : window.id;
  const v = Array.isArray(value) ? `[${[...value].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(",")}]` : String(value);
  const ts = timestamp === END_OF_GLOBAL_WINDOW ? "EOGW" : String(timestamp);
  const flags = `${pane.isFirst ? " first" : ""}${pane.isLast ? " last" : ""}`;
  return `${key === "k" ? "" : `${String(key)}: `}${w} ${v} @${ts} ${pane.timing} ${pane.index}/${pane.nonSpeculativeIndex}${flags}`;
}

const packr = new Packr({ structuredClone: true });

type Mode = "picked" | "general" | "snapshots" | "general+snapshots";

/** Runs a transcript in every mode that applies. */
export function describeTranscript(t: Transcript): void {
  const windowing = strategyOf(t);
  const modes: Mode[] = usesFastPath(windowing) ? ["picked", "general", "snapshots", "general+snapshots"] : ["picked", "snapshots"];
  describe(t.name + (t.beam ? ` (Beam: ${t.beam})` : ""), () => {
    for (const mode of modes) it(mode, () => runTranscript(t, windowing, mode));
  });
}

function strategyOf(t: Transcript): WindowingStrategy {
  const o = t.options ?? {};
  return {
    windowFn: t.windowFn,
    trigger: o.trigger ?? GLOBAL_WINDOWING.trigger,
    accumulationMode: o.accumulation ?? "DISCARDING",
    allowedLateness: o.allowedLateness ?? 0,
    timestampCombiner: o.timestampCombiner ?? "END_OF_WINDOW",
    ...(o.closingBehavior ? { closingBehavior: o.closingBehavior } : {}),
    ...(o.onTimeBehavior ? { onTimeBehavior: o.onTimeBehavior } : {}),
  };
}

function runTranscript(t: Transcript, windowing: WindowingStrategy, mode: Mode): void {
  const spec: GroupingSpec = {
    step: "Test/GroupByKey",
    windowing,
    ...(t.sum ? { combineFn: sumFn as CombineFn<unknown, unknown, unknown> } : {}),
  };
  const general = mode === "general" || mode === "general+snapshots";
  const snapshots = mode === "snapshots" || mode === "general+snapshots";
  // Panes frozen as the direct runner freezes them, so a driver that keeps what it emitted fails here.
  const checked = (side: GroupingSide): GroupingSide => checkedGroupingSide(side, { freeze: true, combine: t.sum === true });
  let side: GroupingSide = checked(general ? new ReduceFnRunner(spec) : createGroupingSide(spec));
  const emitted: string[] = [];
  const out: Receiver = {
    receive(value, timestamp, window, pane) {
      const { key, value: v } = value as { key: unknown; value: unknown };
      emitted.push(renderPane(key, v, timestamp, window, pane));
    },
  };
  let watermark = Number.NEGATIVE_INFINITY;
  const where = (i: number): string => `${t.name} [${mode}] step ${i}`;
  t.script.forEach((step, i) => {
    if ("input" in step) {
      for (const e of step.input) {
        const { key = "k", ts, value = ts } = typeof e === "number" ? { ts: e } : e;
        for (const w of t.windowFn.assignWindows(ts, value)) side.add(key, w, ts, value);
      }
      // A runner checks triggers after every bundle: advance to the same watermark.
      side.advanceInputWatermark(watermark, out);
    } else if ("watermark" in step) {
      watermark = step.watermark;
      side.advanceInputWatermark(watermark, out);
    } else if ("processingTime" in step) {
      side.advanceProcessingTime(step.processingTime, out);
    } else if ("expect" in step) {
      expect(sortPanes(emitted), where(i)).to.deep.equal(sortPanes([...step.expect]));
      emitted.length = 0;
    } else if ("hold" in step) {
      expect(side.hold(), where(i)).to.equal(step.hold === "none" ? TIMESTAMP_MAX_VALUE : step.hold);
    } else if ("dropped" in step) {
      if (step.dropped.late !== undefined) expect(side.droppedLate, `${where(i)} droppedLate`).to.equal(step.dropped.late);
      if (step.dropped.closed !== undefined) expect(side.droppedClosedWindow, `${where(i)} droppedClosedWindow`).to.equal(step.dropped.closed);
    } else if ("pending" in step) {
      expect(side.hasPending, `${where(i)} hasPending`).to.equal(step.pending);
    }
    if (snapshots) {
      const data = packr.unpack(packr.pack(side.snapshot()));
      side = checked(general ? ReduceFnRunner.restore(spec, data) : restoreGroupingSide(spec, data));
    }
  });
  expect(emitted, `${t.name} [${mode}]: panes emitted after the last expect`).to.deep.equal([]);
}

/** Stable sort by window then key, so panes of one key and window keep their order. */
function sortPanes(panes: string[]): string[] {
  const group = (p: string): string => p.split(" @")[0]!.replace(/ \S+$/, "");
  return panes.map((p, i) => [p, i] as const).sort((a, b) => (group(a[0]) < group(b[0]) ? -1 : group(a[0]) > group(b[0]) ? 1 : a[1] - b[1])).map(([p]) => p);
}
