/**
 * Flatten: the union of several PCollections of the same type and windowing.
 * @module
 */
import type { FlattenNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PBegin, PTransform } from "../ptransform.js";
import { describeWindowing, GLOBAL_WINDOWING } from "../model/windowing-strategy.js";

/**
 * Merges PCollections into one. Apply it to the pipeline: `p.apply(flatten([a, b]))`.
 * @example
 * const all = p.apply(flatten([morning, evening]));
 */
export function flatten<T>(pcollections: readonly PCollection<T>[]): PTransform<PBegin, PCollection<T>> {
  return {
    name: "Flatten",
    expand(begin) {
      const windowing = pcollections[0]?.windowing ?? GLOBAL_WINDOWING;
      for (const pc of pcollections) {
        if (pc.pipeline !== begin.pipeline) throw new Error(`flatten was given ${pc} from another pipeline`);
        if (describeWindowing(pc.windowing) !== describeWindowing(windowing)) {
          throw new Error(
            `flatten inputs must share windowing: ${pcollections[0]} has ${describeWindowing(windowing)} but ${pc} has ${describeWindowing(pc.windowing)}`,
          );
        }
      }
      return begin.pipeline.applyPrimitive<FlattenNode>({
        node: { kind: "Flatten" },
        inputs: pcollections,
        outputs: [{ tag: "main", isBounded: pcollections.every((pc) => pc.isBounded), windowing }],
      }).main as PCollection<T>;
    },
  };
}
