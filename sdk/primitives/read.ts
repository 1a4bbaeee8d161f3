/**
 * Read: reads a bounded source, split into pieces that runners may read in parallel.
 * @module
 */
import type { ReadNode } from "../graph.js";
import type { PCollection } from "../pcollection.js";
import type { PBegin, PTransform } from "../ptransform.js";
import type { BoundedSource } from "../model/source.js";
import type { UnboundedSource } from "../model/unbounded-source.js";
import { GLOBAL_WINDOWING } from "../model/windowing-strategy.js";

/**
 * Reads every element of a bounded source, at the minimum timestamp in the global window.
 * @example
 * p.apply(read(mySource));
 */
export function read<T>(source: BoundedSource<T>): PTransform<PBegin, PCollection<T>> {
  if (typeof source?.split !== "function" || typeof source?.read !== "function") {
    throw new TypeError("read needs a BoundedSource with split() and read()");
  }
  return {
    name: "Read",
    expand: (begin) =>
      begin.pipeline.applyPrimitive<ReadNode>({
        node: { kind: "Read", source: source as BoundedSource<unknown> },
        inputs: [],
        outputs: [{ tag: "main", isBounded: true, windowing: GLOBAL_WINDOWING }],
      }).main as PCollection<T>,
  };
}

/**
 * Reads an unbounded source: an unbounded PCollection whose elements carry the timestamps the source gives them,
 * in the global window, with the source's watermark.
 * @example
 * p.apply(readUnbounded(sequenceSource({ rate: 100 })));
 */
export function readUnbounded<T>(source: UnboundedSource<T>): PTransform<PBegin, PCollection<T>> {
  if (typeof source?.split !== "function" || typeof source?.createReader !== "function") {
    throw new TypeError("readUnbounded needs an UnboundedSource with split() and createReader()");
  }
  return {
    name: "ReadUnbounded",
    expand: (begin) =>
      begin.pipeline.applyPrimitive<ReadNode>({
        node: { kind: "Read", source: source as UnboundedSource<unknown> },
        inputs: [],
        outputs: [{ tag: "main", isBounded: false, windowing: GLOBAL_WINDOWING }],
      }).main as PCollection<T>,
  };
}
