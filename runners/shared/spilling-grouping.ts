/**
 * Grouping a shuffle partition larger than memory: the records go through the spilling {@link ExternalGrouper}
 * (sorted runs on disk, k-way merged), and each (key, window) group is emitted as the default trigger emits it
 * when the watermark reaches the end of time — one ON_TIME and final pane per key and window, stamped by the
 * timestamp combiner over all of the group's records.
 *
 * It is used only where that is exactly what the in-memory grouping side would do: a batch firing (input
 * watermark at +∞, no earlier state) with the default trigger, no allowed lateness and non-merging windows.
 *
 * A hot key — one group whose values outgrow a sixteenth of the budget — is not loaded: its values go to a file
 * of their own as the merge reaches them, and the element's `values` array reads them from there as it is
 * indexed or iterated (`spill/value-spool.ts`). Those files stay until the bundle has finished (a DoFn may keep
 * the array until `finishBundle`, and an output buffered for another stage is encoded at the end of the bundle).
 * @module
 */
import { kv } from "../../sdk/model/kv.js";
import { ON_TIME_AND_ONLY_FIRING } from "../../sdk/model/pane.js";
import { TIMESTAMP_MAX_VALUE, TIMESTAMP_MIN_VALUE } from "../../sdk/model/time.js";
import type { ShuffleSpec } from "../core/execution-plan.js";
import type { Receiver } from "../core/receiver.js";
import { userCodeError } from "../core/user-code-error.js";
import { ExternalGrouper, type SpillStats } from "./spill/external-grouper.js";
import { forEachShuffleRecord, type ShuffleCodec } from "./codec.js";

/**
 * Whether a group task may use the spilling path (see the module comment): a batch firing of records that all
 * arrived before the watermark moved (so none of them can be late), into a key group without state (the caller
 * checks that).
 */
export function canGroupWithSpill(shuffle: ShuffleSpec, task: { watermark: number; arrivalWatermark: number }): boolean {
  const w = shuffle.windowing;
  return (
    shuffle.stateful === undefined &&
    task.watermark === TIMESTAMP_MAX_VALUE &&
    task.arrivalWatermark === TIMESTAMP_MIN_VALUE &&
    w.trigger.kind === "Default" &&
    w.allowedLateness === 0 &&
    !w.windowFn.isMerging
  );
}

/**
 * Groups the records of `blobs` within `memoryBytes` and emits every group to `out`, inside `runBundle` (the
 * stage's bundle, which the spilled values of hot keys outlive).
 */
export async function groupWithSpill(options: {
  readonly shuffle: ShuffleSpec;
  readonly blobs: readonly (() => Uint8Array | Promise<Uint8Array>)[];
  readonly dir: string;
  readonly memoryBytes: number;
  readonly out: Receiver;
  /** How the records were encoded; with the input's own coder, the store keeps whole elements encoded by it. */
  readonly codec: ShuffleCodec;
  /** Runs the stage's bundle around the feeding of its elements. */
  readonly runBundle: (feed: () => Promise<void>) => Promise<void>;
}): Promise<SpillStats> {
  const { shuffle, out, codec } = options;
  const wholeElements = codec.wholeElements;
  const combineFn = shuffle.combineFn;
  const combiner = shuffle.windowing.timestampCombiner;
  const grouper = new ExternalGrouper({
    dir: options.dir,
    memoryBytes: options.memoryBytes,
    name: shuffle.gbk.fullName.replace(/[^A-Za-z0-9]+/g, "-"),
    windowFn: shuffle.windowing.windowFn,
    ...(wholeElements ? { valueCoder: codec.input.coder! } : {}),
    ...(combineFn
      ? {
          combine: {
            merge: (a: unknown, b: unknown) => {
              try {
                return combineFn.mergeAccumulators([a, b]);
              } catch (e) {
                throw userCodeError(shuffle.step, e);
              }
            },
            timestampCombiner: combiner,
          },
        }
      : {}),
  });
  const spoolBytes = Math.max(options.memoryBytes / 16, 64 * 1024);
  const valueOf = wholeElements ? (element: unknown) => (element as { value: unknown }).value : undefined;
  try {
    for (const blob of options.blobs) {
      forEachShuffleRecord(
        await blob(),
        wholeElements ? (r, element) => grouper.write(r.key, r.window, r.timestamp, element) : (r) => grouper.add(r),
        codec,
      );
    }
    await options.runBundle(async () => {
      for await (const group of grouper.groups({ spoolBytes })) {
        const records = group.records;
        const spooled = group.spooled;
        let value: unknown;
        let timestamp = group.window.maxTimestamp();
        if (spooled) {
          value = spooled.values(shuffle.step, valueOf);
          if (combiner !== "END_OF_WINDOW") timestamp = combiner === "EARLIEST" ? spooled.minTimestamp : spooled.maxTimestamp;
        } else {
          if (combineFn) {
            try {
              value = combineFn.extractOutput(records[0]!.value);
            } catch (e) {
              throw userCodeError(shuffle.step, e, { value: kv(group.key, records[0]!.value) });
            }
          } else {
            value = valueOf ? records.map((r) => valueOf(r.value)) : records.map((r) => r.value);
          }
          if (combiner !== "END_OF_WINDOW") {
            timestamp = records[0]!.timestamp;
            for (const r of records) if (combiner === "EARLIEST" ? r.timestamp < timestamp : r.timestamp > timestamp) timestamp = r.timestamp;
          }
        }
        out.receive(kv(group.key, value), timestamp, group.window, ON_TIME_AND_ONLY_FIRING);
      }
    });
    return grouper.stats;
  } finally {
    await grouper.close();
  }
}
