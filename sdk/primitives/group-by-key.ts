/**
 * GroupByKey: the shuffle primitive. Groups the values of each key within each window and emits them when the
 * windowing strategy's trigger fires (for the default trigger: once the watermark passes the end of the window).
 * @module
 */
import type { KV } from "../model/kv.js";
import type { GroupByKeyNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PTransform } from "../ptransform.js";

/**
 * Groups values by key (and window). Keys are compared by their deterministic encoding; the order of the values
 * in a group is unspecified.
 * @example
 * const byWord: PCollection<KV<string, readonly number[]>> = pairs.apply(groupByKey());
 */
export function groupByKey<K, V>(): PTransform<PCollection<KV<K, V>>, PCollection<KV<K, readonly V[]>>> {
  return {
    name: "GroupByKey",
    expand(input) {
      const { isBounded, windowing } = input;
      return input.pipeline.applyPrimitive<GroupByKeyNode>({
        node: { kind: "GroupByKey" },
        inputs: [input],
        outputs: [{ tag: "main", isBounded, windowing }],
      }).main as PCollection<KV<K, readonly V[]>>;
    },
  };
}
