/**
 * PCollection: a distributed, possibly unbounded, collection of timestamped, windowed elements of type `T`.
 * @module
 */
import type { Pipeline } from "./pipeline.js";
import type { PTransform, PValue } from "./ptransform.js";
import type { DoFn } from "./model/dofn.js";
import type { PCollectionView } from "./model/view.js";
import type { Coder } from "./model/coder.js";
import type { WindowingStrategy } from "./model/windowing-strategy.js";
import type { BoundedWindow } from "./model/window.js";
import type { PCollectionNode } from "./graph.js";
import { parDo } from "./primitives/par-do.js";
import { flatMapFn, filterFn, mapFn } from "./primitives/element-wise.js";

/** Options for a ParDo applied with {@link PCollection.parDo}. */
export interface ParDoOptions {
  /** Side inputs the DoFn reads with `ctx.sideInput(view)`. */
  readonly sideInputs?: readonly PCollectionView<unknown>[];
  /** The step name; default `ParDo`. */
  readonly name?: string;
  /**
   * Run this ParDo only after every other step of the job has succeeded (the job's commit phase): for sinks
   * that publish output, so that a failed job leaves none. Its input is held until then.
   */
  readonly finalizer?: boolean;
}

/**
 * A collection of elements flowing through a pipeline. Immutable: transforms make new PCollections.
 * @typeParam T the element type
 * @typeParam W the type of the windows its elements are in, as far as the types know: `windowInto` with fixed,
 * sliding or session windows makes a `PCollection<T, IntervalWindow>`, and `map`, `flatMap`, `filter`, `parDo`,
 * `groupByKey` and `combinePerKey` keep it, so a DoFn sees `ctx.window` as an `IntervalWindow`. Otherwise (the
 * default) a `BoundedWindow`; a composite that does not declare it widens it to that.
 * @example
 * const lengths: PCollection<number> = words.map((w) => w.length);
 * @example
 * // The windows' bounds, without a cast: the windowing is in the type.
 * const minutes: PCollection<Click, IntervalWindow> = clicks.apply(windowInto(new FixedWindows(60_000)));
 * minutes.parDo({ process(click, ctx) { ctx.output(`${ctx.window.start}-${ctx.window.end}: ${click.user}`); } });
 */
export class PCollection<out T, out W extends BoundedWindow = BoundedWindow> {
  /** @internal phantom: makes the element type part of the class's type */
  declare readonly __elementType?: T;
  /** @internal phantom: makes the window type part of the class's type */
  declare readonly __windowType?: W;

  /** @internal Made by primitives; users get PCollections by applying transforms. */
  constructor(
    /** The pipeline this collection belongs to. */
    readonly pipeline: Pipeline,
    /** Stable id: `<producer full name>.<tag>`. */
    readonly id: string,
  ) {}

  /** Applies a transform, named by the transform's own name. */
  apply<Out extends PValue>(transform: PTransform<PCollection<T, W>, Out>): Out;
  /** Applies a transform under the given step name. */
  apply<Out extends PValue>(name: string, transform: PTransform<PCollection<T, W>, Out>): Out;
  apply<Out extends PValue>(a: string | PTransform<PCollection<T, W>, Out>, b?: PTransform<PCollection<T, W>, Out>): Out {
    const [name, transform] = typeof a === "string" ? [a, b!] : [a.name, a];
    return this.pipeline.applyTransform(name, transform, this);
  }

  /**
   * One output per element.
   * @example
   * words.map((w) => w.toUpperCase());
   */
  map<O>(fn: (element: T) => O, name = "Map"): PCollection<O, W> {
    return this.apply(name, parDo<T, O, W>(mapFn(fn)));
  }

  /**
   * Zero or more outputs per element.
   * @example
   * lines.flatMap((line) => line.split(" "));
   */
  flatMap<O>(fn: (element: T) => Iterable<O>, name = "FlatMap"): PCollection<O, W> {
    return this.apply(name, parDo<T, O, W>(flatMapFn(fn)));
  }

  /**
   * Keeps the elements for which `predicate` is true. A type guard narrows the element type.
   * @example
   * words.filter((w) => w.length > 3);
   */
  filter<S extends T>(predicate: (element: T) => element is S, name?: string): PCollection<S, W>;
  filter(predicate: (element: T) => boolean, name?: string): PCollection<T, W>;
  filter(predicate: (element: T) => boolean, name = "Filter"): PCollection<T, W> {
    return this.apply(name, parDo<T, T, W>(filterFn(predicate)));
  }

  /**
   * Applies a DoFn to every element.
   * @example
   * lines.parDo({ process(line, ctx) { if (line) ctx.output(line.length); } });
   */
  parDo<O>(doFn: DoFn<T, O, {}, W>, options: ParDoOptions = {}): PCollection<O, W> {
    return this.apply(options.name ?? "ParDo", parDo<T, O, W>(doFn, options.sideInputs ?? [], { finalizer: options.finalizer ?? false }));
  }

  /** Whether the collection is finite. */
  get isBounded(): boolean {
    return this.node.isBounded;
  }

  /** How the collection is windowed and triggered. */
  get windowing(): WindowingStrategy {
    return this.node.windowing;
  }

  /**
   * Overrides the coder used where elements cross threads, processes or the disk: bundles, side inputs, spill
   * files, and a GroupByKey's shuffle (where it encodes each whole KV; keys must still be plain data). Needed for
   * elements msgpack cannot carry, such as instances of your own classes. The direct runner round-trips the
   * elements through it at the same boundaries.
   * @example
   * points.setCoder(keyedPointCoder).apply(groupByKey()); // Point instances, methods intact, after the shuffle
   */
  setCoder(coder: Coder<T>): this {
    this.node.coder = coder as Coder<unknown>;
    return this;
  }

  private get node(): PCollectionNode {
    return this.pipeline.pcollectionNode(this.id);
  }

  /** `PCollection(<id>)`, for messages. */
  toString(): string {
    return `PCollection(${this.id})`;
  }
}
