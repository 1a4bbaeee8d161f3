/**
 * PTransform: a named step from one PValue to another. Composite transforms expand into other transforms;
 * primitives register themselves in the graph.
 * @module
 */
import type { PCollection } from "./pcollection.js";
import type { Pipeline } from "./pipeline.js";

/** The input of a transform that starts a pipeline (`p.apply(create(...))`). */
export class PBegin {
  constructor(readonly pipeline: Pipeline) {}
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
  readonly name: string;
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
