/**
 * Impulse: the root of every source. Emits a single `null` element in the global window at the minimum
 * timestamp.
 * @module
 */
import type { ImpulseNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PBegin, PTransform } from "../ptransform.js";
import { GLOBAL_WINDOWING } from "../model/windowing-strategy.js";

/**
 * One element, to hang a DoFn that produces data from.
 * @example
 * p.apply(impulse()).parDo({ process(_, ctx) { ctx.output(Date.now()); } });
 */
export function impulse(): PTransform<PBegin, PCollection<null>> {
  return {
    name: "Impulse",
    expand: (begin) =>
      begin.pipeline.applyPrimitive<ImpulseNode>({
        node: { kind: "Impulse" },
        inputs: [],
        outputs: [{ tag: "main", isBounded: true, windowing: GLOBAL_WINDOWING }],
      }).main as PCollection<null>,
  };
}
