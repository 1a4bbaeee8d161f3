/**
 * Flatten: the union of several PCollections of the same type and compatible windowing.
 * @module
 */
import type { FlattenNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PBegin, PTransform } from "../ptransform.js";
import type { BoundedWindow } from "../model/window.js";
import { describeWindowing, GLOBAL_WINDOWING } from "../model/windowing-strategy.js";
import { windowFnsCompatible } from "../model/window-fn.js";
import { describeTrigger, triggersCompatible } from "../model/triggers.js";

/**
 * Merges PCollections into one. Apply it to the pipeline: `p.apply(flatten([a, b]))`. As in Beam, the inputs'
 * WindowFns must be compatible (equal, or sessions of any gap) and their triggers of the same shape; the output
 * has the first input's windowing, and the window type the inputs share (`W`).
 * @example
 * const all = p.apply(flatten([morning, evening]));
 */
export function flatten<T, W extends BoundedWindow = BoundedWindow>(pcollections: readonly PCollection<T, W>[]): PTransform<PBegin, PCollection<T, W>> {
  return {
    name: "Flatten",
    expand(begin) {
      const windowing = pcollections[0]?.windowing ?? GLOBAL_WINDOWING;
      for (const pc of pcollections) {
        if (pc.pipeline !== begin.pipeline) throw new Error(`flatten was given ${pc} from another pipeline`);
        // Beam's checks: compatible WindowFns and triggers; the output has the first input's windowing.
        if (!windowFnsCompatible(windowing.windowFn, pc.windowing.windowFn)) {
          throw new Error(
            `flatten inputs must have compatible windowing: ${pcollections[0]} has ${describeWindowing(windowing)} but ${pc} has ${describeWindowing(pc.windowing)}`,
          );
        }
        if (!triggersCompatible(windowing.trigger, pc.windowing.trigger)) {
          throw new Error(
            `flatten inputs must have compatible triggers: ${pcollections[0]} has ${describeTrigger(windowing.trigger)} but ${pc} has ${describeTrigger(pc.windowing.trigger)}`,
          );
        }
      }
      return begin.pipeline.applyPrimitive<FlattenNode>({
        node: { kind: "Flatten" },
        inputs: pcollections,
        outputs: [{ tag: "main", isBounded: pcollections.every((pc) => pc.isBounded), windowing }],
      }).main as PCollection<T, W>;
    },
  };
}
