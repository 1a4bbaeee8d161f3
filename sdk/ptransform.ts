/**
 * PTransform: a named step from one PValue to another. Composite transforms expand into other transforms;
 * primitives register themselves in the graph.
 * @module
 */
import type { PCollection } from "./pcollection.js";
import type { Pipeline } from "./pipeline.js";

/**
 * The input of a transform that starts a pipeline (`p.apply(create(...))`). Root transforms (sources, `impulse`,
 * `flatten`) take it to reach the pipeline they add steps to.
 * @example
 * const now: PTransform<PBegin, PCollection<number>> = {
 *   name: "Now",
 *   expand: (begin) => begin.pipeline.apply(impulse()).map(() => Date.now()),
 * };
 */
export class PBegin {
  constructor(
    /** The pipeline the transform is applied to. */
    readonly pipeline: Pipeline,
  ) {}
}

/** Anything a transform takes or returns: the pipeline's start, a PCollection, or a record or list of them. */
export type PValue =
  | PBegin
  | PCollection<unknown>
  | { readonly [tag: string]: PCollection<unknown> }
  | readonly PCollection<unknown>[]
  | void;

/**
 * A named step. `expand` builds the step's part of the graph from its input, usually by applying other
 * transforms; its name becomes the step's name, unique within the enclosing composite.
 * @example
 * const countWords: PTransform<PCollection<string>, PCollection<KV<string, number>>> = {
 *   name: "CountWords",
 *   expand: (lines) => lines.flatMap((l) => l.split(" ")).apply(countPerElement()),
 * };
 */
export interface PTransform<In extends PValue, Out extends PValue> {
  /** The step's name when applied without an explicit one; must not contain `/`. */
  readonly name: string;
  /**
   * Builds the step from its input, called once when the transform is applied: apply other transforms to `input`
   * and return their outputs. Must be deterministic, since workers rebuild the graph by calling it again.
   */
  expand(input: In): Out;
}

/**
 * Makes a composite transform from a name and a function.
 * @example
 * const extractWords = ptransform("ExtractWords", (lines: PCollection<string>) =>
 *   lines.flatMap((l) => l.match(/[A-Za-z']+/g) ?? []));
 */
export function ptransform<In extends PValue, Out extends PValue>(
  name: string,
  expand: (input: In) => Out,
): PTransform<In, Out> {
  return { name, expand };
}
