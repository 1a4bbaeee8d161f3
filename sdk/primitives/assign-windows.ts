/**
 * AssignWindows: puts each element into the windows its WindowFn assigns, and sets the windowing strategy that
 * downstream GroupByKeys apply.
 * @module
 */
import type { AssignWindowsNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PTransform } from "../ptransform.js";
import type { WindowFn } from "../model/window-fn.js";
import { GLOBAL_WINDOWING, type WindowingStrategy } from "../model/windowing-strategy.js";

/** How grouped results are triggered and timestamped; defaults are Beam's. */
export type WindowIntoOptions = Partial<Omit<WindowingStrategy, "windowFn">>;

/**
 * Re-windows a PCollection.
 * @example
 * events.apply(windowInto(new GlobalWindows()));
 */
export function windowInto<T>(windowFn: WindowFn, options: WindowIntoOptions = {}): PTransform<PCollection<T>, PCollection<T>> {
  if (typeof windowFn?.assignWindows !== "function") throw new TypeError("windowInto needs a WindowFn with assignWindows()");
  const windowing: WindowingStrategy = Object.freeze({ ...GLOBAL_WINDOWING, ...options, windowFn });
  if (!(windowing.allowedLateness >= 0)) throw new RangeError(`allowedLateness must be >= 0, got ${windowing.allowedLateness}`);
  return {
    name: "WindowInto",
    expand: (input) =>
      input.pipeline.applyPrimitive<AssignWindowsNode>({
        node: { kind: "AssignWindows", windowFn },
        inputs: [input],
        outputs: [{ tag: "main", isBounded: input.isBounded, windowing }],
      }).main as PCollection<T>,
  };
}
