/**
 * Pipeline: builds the graph as transforms are applied, and runs it.
 * @module
 */
import type {
  CompositeNode,
  PCollectionNode,
  PipelineGraph,
  PrimitiveNode,
  TransformNode,
} from "./graph.js";
import { PCollection } from "./pcollection.js";
import { PBegin, type PTransform, type PValue } from "./ptransform.js";
import { defaultOptions, type PipelineOptions } from "./options.js";
import type { PipelineResult } from "./runner-api.js";
import type { WindowingStrategy } from "./model/windowing-strategy.js";
import { laterCallerFrame } from "./internal/user-frames.js";

type MutableComposite = { -readonly [K in keyof CompositeNode]: CompositeNode[K] } & { children: string[] };

/** What a primitive needs to say when it registers itself. */
export interface PrimitiveSpec<N extends PrimitiveNode> {
  /** The node's own fields (kind and payload); names and edges are filled in by the pipeline. */
  readonly node: Omit<N, "fullName" | "parent" | "inputs" | "outputs">;
  readonly inputs: readonly PCollection<unknown>[];
  /** Output tags, each with its windowing and boundedness. */
  readonly outputs: readonly { tag: string; windowing: WindowingStrategy; isBounded: boolean }[];
}

/**
 * A pipeline under construction. Apply transforms to it (and to the PCollections they return), then `run()`.
 * @example
 * const p = new Pipeline();
 * p.apply(create(["a", "b", "a"])).apply(countPerElement()).map(({ key, value }) => `${key}: ${value}`);
 * await p.run({ runner: "direct" });
 */
export class Pipeline {
  /** The options the pipeline was created with (runner, parallelism, and the pipeline's own). */
  readonly options: PipelineOptions;
  private readonly transforms = new Map<string, TransformNode>();
  private readonly pcollections = new Map<string, PCollectionNode>();
  private readonly roots: string[] = [];
  private readonly scopes: MutableComposite[] = [];
  private readonly begin = new PBegin(this);
  private frozen = false;

  constructor(options: Partial<PipelineOptions> = {}) {
    this.options = { ...defaultOptions(), ...options };
  }

  /** Applies a transform to the start of the pipeline (sources, `create`). */
  apply<Out extends PValue>(transform: PTransform<PBegin, Out>): Out;
  apply<Out extends PValue>(name: string, transform: PTransform<PBegin, Out>): Out;
  apply<Out extends PValue>(a: string | PTransform<PBegin, Out>, b?: PTransform<PBegin, Out>): Out {
    const [name, transform] = typeof a === "string" ? [a, b!] : [a.name, a];
    return this.applyTransform(name, transform, this.begin);
  }

  /**
   * Runs the pipeline on the runner named in the options (`direct` unless set) and waits for it to finish.
   * Rejects with a {@link PipelineError} naming the failed step when it fails.
   */
  async run(overrides: Partial<PipelineOptions> = {}): Promise<PipelineResult> {
    const { runPipeline } = await import("./run.js");
    return runPipeline(this, { ...this.options, ...overrides });
  }

  /** The expanded graph (read-only; building further after this is an error). */
  get graph(): PipelineGraph {
    this.frozen = true;
    return { transforms: this.transforms, pcollections: this.pcollections, roots: this.roots };
  }

  /** @internal */
  pcollectionNode(id: string): PCollectionNode {
    const node = this.pcollections.get(id);
    if (!node) throw new Error(`unknown PCollection ${id}`);
    return node;
  }

  /** @internal Applies a transform under `name` in the current scope; used by `apply` on PBegin and PCollection. */
  applyTransform<In extends PValue, Out extends PValue>(name: string, transform: PTransform<In, Out>, input: In): Out {
    if (this.frozen) throw new Error(`cannot apply '${name}': the pipeline has already been run or its graph taken`);
    if (typeof name !== "string" || name.length === 0) throw new TypeError("a transform needs a non-empty name");
    if (name.includes("/")) throw new TypeError(`transform name '${name}' may not contain '/' (it separates nesting levels)`);
    for (const pc of pcollectionsOf(input)) {
      if (pc.pipeline !== this) throw new Error(`'${name}' was given ${pc} from another pipeline`);
    }
    const parent = this.scopes.at(-1);
    const fullName = this.uniqueName(parent ? `${parent.fullName}/${name}` : name);
    const node: MutableComposite = {
      kind: "Composite",
      fullName,
      parent: parent?.fullName,
      inputs: pcollectionsOf(input).map((pc) => pc.id),
      outputs: {},
      children: [],
    };
    recordAppliedAt(node);
    this.transforms.set(fullName, node);
    (parent ? parent.children : this.roots).push(fullName);
    this.scopes.push(node);
    let output: Out;
    try {
      output = transform.expand(input);
    } catch (e) {
      throw nameConstructionError(e, fullName);
    } finally {
      this.scopes.pop();
    }
    const current = this.transforms.get(fullName)!;
    if (current.kind === "Composite") {
      node.outputs = outputTags(output);
    }
    return output;
  }

  /** @internal Turns the transform being expanded into a primitive and returns its outputs by tag. */
  applyPrimitive<N extends PrimitiveNode>(spec: PrimitiveSpec<N>): Record<string, PCollection<unknown>> {
    const scope = this.scopes.at(-1);
    if (!scope) throw new Error("a primitive can only be applied from inside a transform's expand()");
    if (scope.children.length > 0) {
      throw new Error(`'${scope.fullName}' both applies other transforms and registers itself as a primitive`);
    }
    const outputs: Record<string, PCollection<unknown>> = {};
    const outputIds: Record<string, string> = {};
    for (const o of spec.outputs) {
      const id = `${scope.fullName}.${o.tag}`;
      this.pcollections.set(id, { id, producer: scope.fullName, tag: o.tag, isBounded: o.isBounded, windowing: o.windowing });
      outputs[o.tag] = new PCollection(this, id);
      outputIds[o.tag] = id;
    }
    const primitive = {
      ...spec.node,
      fullName: scope.fullName,
      parent: scope.parent,
      inputs: spec.inputs.map((pc) => pc.id),
      outputs: outputIds,
    } as unknown as N;
    Object.defineProperty(primitive, "appliedAt", Object.getOwnPropertyDescriptor(scope, "appliedAt")!);
    this.transforms.set(scope.fullName, primitive);
    return outputs;
  }

  /** @internal Marks the composite being expanded (e.g. so runners can lift a combine). */
  annotateComposite(annotation: Pick<CompositeNode, "combineFn">): void {
    Object.assign(this.scopes.at(-1)!, annotation);
  }

  /** `Map`, then `Map2`, `Map3`, ...: deterministic, so a rebuilt graph gets the same names. */
  private uniqueName(fullName: string): string {
    if (!this.transforms.has(fullName)) return fullName;
    for (let i = 2; ; i++) {
      if (!this.transforms.has(`${fullName}${i}`)) return `${fullName}${i}`;
    }
  }
}

/** Marks an error that already names the step it was thrown in. */
const NAMED = Symbol("sluice.stepNamed");

/**
 * Prefixes an error thrown while expanding a transform with the step's full name, once (at the innermost step),
 * so a construction error says which application of which transform is wrong.
 */
function nameConstructionError(e: unknown, fullName: string): unknown {
  if (!(e instanceof Error) || (e as unknown as Record<symbol, boolean>)[NAMED]) return e;
  e.message = `${fullName}: ${e.message}`;
  (e as unknown as Record<symbol, boolean>)[NAMED] = true;
  return e;
}

/**
 * Gives a node its `appliedAt`, the user's frame that applied it, computed when first read (an error message or a
 * graph view): formatting a stack costs more than building the rest of the graph, and workers rebuild it.
 */
function recordAppliedAt(node: MutableComposite): void {
  const frame = laterCallerFrame();
  Object.defineProperty(node, "appliedAt", { get: frame, enumerable: true, configurable: true });
}

/** The PCollections inside a PValue, in a stable order. */
export function pcollectionsOf(value: PValue): PCollection<unknown>[] {
  if (value === undefined || value instanceof PBegin) return [];
  if (value instanceof PCollection) return [value];
  if (Array.isArray(value)) return value.filter((v): v is PCollection<unknown> => v instanceof PCollection);
  return Object.values(value as Record<string, unknown>).filter((v): v is PCollection<unknown> => v instanceof PCollection);
}

function outputTags(value: PValue): Record<string, string> {
  if (value === undefined || value instanceof PBegin) return {};
  if (value instanceof PCollection) return { main: value.id };
  const out: Record<string, string> = {};
  for (const [tag, v] of Object.entries(value as Record<string, unknown>)) {
    if (v instanceof PCollection) out[tag] = v.id;
  }
  return out;
}
