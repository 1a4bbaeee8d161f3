/**
 * GroupByKey: the shuffle primitive. Groups the values of each key within each window and emits them when the
 * windowing strategy's trigger fires (for the default trigger: once the watermark passes the end of the window).
 * @module
 */
import type { KV } from "../model/kv.js";
import type { GroupByKeyNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PTransform } from "../ptransform.js";
import type { BoundedWindow } from "../model/window.js";
import { groupByKeyProblem, windowingAfterGroupByKey } from "../model/windowing-strategy.js";

/**
 * Groups values by key (and window). Keys are compared by their deterministic encoding; the order of the values
 * in a group is unspecified. Groups are in their input's windows (merged ones, for sessions), so the output keeps
 * the input's window type `W`.
 * @example
 * const byWord: PCollection<KV<string, readonly number[]>> = pairs.apply(groupByKey());
 */
export function groupByKey<K, V, W extends BoundedWindow = BoundedWindow>(): PTransform<PCollection<KV<K, V>, W>, PCollection<KV<K, readonly V[]>, W>> {
  return {
    name: "GroupByKey",
    expand(input) {
      const { isBounded, windowing } = input;
      const problem = groupByKeyProblem(windowing, isBounded, { allowUnsafeTriggers: input.pipeline.options.allowUnsafeTriggers });
      if (problem !== undefined) throw new Error(problem);
      return input.pipeline.applyPrimitive<GroupByKeyNode>({
        node: { kind: "GroupByKey" },
        inputs: [input],
        // Downstream GroupByKeys see the continuation trigger and, after merging windows, InvalidWindows.
        outputs: [{ tag: "main", isBounded, windowing: windowingAfterGroupByKey(windowing) }],
      }).main as PCollection<KV<K, readonly V[]>, W>;
    },
  };
}
