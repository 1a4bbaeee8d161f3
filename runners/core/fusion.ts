/**
 * Fusion: cuts the expanded graph into stages of element-wise work that run as plain function calls.
 *
 * ```
 *   Read ──► ParDo ──► ParDo ──► GroupByKey ──► ParDo ──► Flatten ◄── (other stage)
 *   └────────── stage S0 ─────────┘└──────── S1 ───────┘  └── S2 (collection root) ──
 * ```
 * Rules:
 * - Impulse, Read and GroupByKey start a stage (a GroupByKey's grouping side is its stage's root; its writing
 *   side is the end of the producer's stage).
 * - ParDo and AssignWindows join the stage of their input, except a ParDo with side inputs, which starts a stage
 *   of its own fed by its materialised input: the side inputs must be complete first, and they may come from
 *   the very stage the main input comes from.
 * - Flatten joins its inputs' stage when they all come from one stage, else starts a collection-rooted stage.
 * - A stateful ParDo (state, timers or `onWindowExpiration`) starts a shuffle-rooted stage too, as Beam keys a
 *   stateful ParDo's input: its input is partitioned by key like a GroupByKey's, and the stage's key-group side
 *   runs the DoFn with its state and timers (`stateful-dofn-side.ts`); its outputs are the stage's root outputs.
 *
 *   ```
 *   ... ──► ParDo(KV) ──► [key partitioning] ──► stateful ParDo ──► ParDo ...
 *   └──── stage S0 ────┘                      └──────── S1 (shuffle root) ────┘
 *   ```
 * - Combiner lifting: a `combinePerKey` composite whose GroupByKey feeds only its Combine ParDo becomes a shuffle
 *   of accumulators: partial combining before the shuffle, merging after it, and the Combine ParDo disappears
 *   into the shuffle's grouping side.
 * @module
 */
import {
  consumersOf,
  primitives,
  type CompositeNode,
  type GroupByKeyNode,
  type ParDoNode,
  type PipelineGraph,
  type PrimitiveNode,
} from "../../sdk/graph.js";
import type { ExecutionPlan, PCollectionRouting, ShuffleSpec, Stage, StageRoot } from "./execution-plan.js";
import { isLiftableTrigger } from "../../sdk/model/triggers.js";
import { isStatefulDoFn } from "../../sdk/model/stateful-dofn.js";

/** Builds the execution plan of a graph. */
export function fuse(graph: PipelineGraph): ExecutionPlan {
  const shuffles = findShuffles(graph);
  const liftedCombineParDos = new Set([...shuffles.values()].filter((s) => s.combineFn).map((s) => s.step));

  const stageOf = new Map<string, MutableStage>(); // transform full name -> stage
  const producerStage = new Map<string, string>(); // pcollection -> stage id
  const stages: MutableStage[] = [];
  const newStage = (root: StageRoot): MutableStage => {
    const s: MutableStage = { id: `S${stages.length}`, root, transforms: [], produces: [] };
    stages.push(s);
    return s;
  };
  const produce = (s: MutableStage, pcollections: Iterable<string>): void => {
    for (const pc of pcollections) {
      s.produces.push(pc);
      producerStage.set(pc, s.id);
    }
  };
  const stageById = (id: string): MutableStage => stages.find((s) => s.id === id)!;

  for (const t of primitives(graph)) {
    if (liftedCombineParDos.has(t.fullName)) continue; // absorbed into its shuffle
    switch (t.kind) {
      case "Impulse":
      case "Read":
      case "TestStream": {
        const s = newStage(
          t.kind === "Impulse" ? { kind: "impulse", transform: t } : t.kind === "Read" ? { kind: "read", transform: t } : { kind: "testStream", transform: t },
        );
        stageOf.set(t.fullName, s);
        produce(s, Object.values(t.outputs));
        break;
      }
      case "GroupByKey": {
        const shuffle = shuffles.get(t.fullName)!;
        const s = newStage({ kind: "shuffle", shuffle });
        stageOf.set(t.fullName, s);
        produce(s, [shuffle.output]);
        break;
      }
      case "Flatten": {
        const inputStages = new Set(t.inputs.map((pc) => producerStage.get(pc)));
        const single = inputStages.size === 1 ? [...inputStages][0] : undefined;
        const s = single !== undefined ? stageById(single) : newStage({ kind: "collection", pcollections: t.inputs });
        s.transforms.push(t);
        stageOf.set(t.fullName, s);
        produce(s, Object.values(t.outputs));
        break;
      }
      case "ParDo":
      case "AssignWindows": {
        const keyed = shuffles.get(t.fullName);
        if (keyed) {
          // A stateful ParDo: its keyed input's grouping side is its stage's root, and it emits the root's outputs.
          const s = newStage({ kind: "shuffle", shuffle: keyed });
          stageOf.set(t.fullName, s);
          produce(s, Object.values(t.outputs));
          break;
        }
        const input = t.inputs[0]!;
        const s =
          t.kind === "ParDo" && (t.sideInputs.length > 0 || t.finalizer)
            ? newStage({ kind: "collection", pcollections: [input] })
            : stageById(producerStage.get(input)!);
        s.transforms.push(t);
        stageOf.set(t.fullName, s);
        produce(s, Object.values(t.outputs));
        break;
      }
    }
  }

  const routing = new Map<string, PCollectionRouting>();
  const upstream = new Map<string, Set<string>>(stages.map((s) => [s.id, new Set<string>()]));
  const sideInputStages = new Map<string, Set<string>>(stages.map((s) => [s.id, new Set<string>()]));
  for (const s of stages) {
    for (const pc of s.produces) {
      const r = { shuffles: [] as ShuffleSpec[], collectionConsumers: [] as string[], isSideInput: false };
      for (const consumer of consumersOf(graph, pc)) {
        if (liftedCombineParDos.has(consumer.fullName)) continue;
        const cs = stageOf.get(consumer.fullName)!;
        if (consumer.kind === "ParDo" && consumer.sideInputs.some((v) => v.pcollection.id === pc)) {
          r.isSideInput = true;
          sideInputStages.get(cs.id)!.add(s.id);
        }
        if (!consumer.inputs.includes(pc)) continue;
        if (consumer.kind === "GroupByKey" || shuffles.get(consumer.fullName)?.stateful) {
          r.shuffles.push(shuffles.get(consumer.fullName)!);
          upstream.get(cs.id)!.add(s.id);
        } else if (cs !== s) {
          if (!r.collectionConsumers.includes(cs.id)) r.collectionConsumers.push(cs.id);
          upstream.get(cs.id)!.add(s.id);
        }
      }
      routing.set(pc, r);
    }
  }
  const freeze = (m: Map<string, Set<string>>): Map<string, string[]> => new Map([...m].map(([k, v]) => [k, [...v]]));
  return {
    stages,
    producerStage,
    routing,
    upstream: freeze(upstream),
    sideInputStages: freeze(sideInputStages),
    commitGates: commitGates(stages, upstream, sideInputStages),
  };
}

/**
 * The gate of each finalizer stage: every stage that is not a finalizer and not downstream of one (through main
 * or side inputs). Stages downstream of a finalizer run after it anyway; waiting for them would deadlock.
 */
function commitGates(
  stages: readonly Stage[],
  upstream: ReadonlyMap<string, ReadonlySet<string>>,
  sideInputStages: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, string[]> {
  const finalizers = stages.filter((s) => s.transforms[0]?.kind === "ParDo" && s.transforms[0].finalizer && s.root.kind === "collection");
  if (finalizers.length === 0) return new Map();
  const downstream = new Set(finalizers.map((s) => s.id));
  // Stages are in topological order, so one pass finds everything fed, directly or not, by a finalizer.
  for (const s of stages) {
    const inputs = [...upstream.get(s.id)!, ...sideInputStages.get(s.id)!];
    if (inputs.some((u) => downstream.has(u))) downstream.add(s.id);
  }
  const gate = stages.filter((s) => !downstream.has(s.id)).map((s) => s.id);
  return new Map(finalizers.map((s) => [s.id, gate]));
}

type MutableStage = { -readonly [K in keyof Stage]: Stage[K] } & { transforms: PrimitiveNode[]; produces: string[] };

/**
 * Every GroupByKey as a shuffle, lifted where its enclosing `combinePerKey` allows, and the key partitioning of
 * every stateful ParDo's input.
 */
function findShuffles(graph: PipelineGraph): Map<string, ShuffleSpec> {
  const out = new Map<string, ShuffleSpec>();
  for (const t of primitives(graph)) {
    if (t.kind === "ParDo" && isStatefulDoFn(t.doFn)) {
      const input = t.inputs[0]!;
      const windowing = graph.pcollections.get(input)!.windowing;
      out.set(t.fullName, { gbk: t, stateful: t, input, output: t.outputs[t.mainTag]!, step: t.fullName, windowing });
      continue;
    }
    if (t.kind !== "GroupByKey") continue;
    const input = t.inputs[0]!;
    const windowing = graph.pcollections.get(input)!.windowing;
    const lifted = liftableCombine(graph, t);
    out.set(
      t.fullName,
      lifted && !windowing.windowFn.isMerging && isLiftableTrigger(windowing.trigger)
        ? { gbk: t, input, output: lifted.combineParDo.outputs.main!, step: lifted.combineParDo.fullName, combineFn: lifted.composite.combineFn!, windowing }
        : { gbk: t, input, output: t.outputs.main!, step: t.fullName, windowing },
    );
  }
  return out;
}

/** The combine a GroupByKey belongs to, when it is `combinePerKey`'s GroupByKey feeding only its Combine ParDo. */
function liftableCombine(graph: PipelineGraph, gbk: GroupByKeyNode): { composite: CompositeNode; combineParDo: ParDoNode } | undefined {
  const parent = gbk.parent === undefined ? undefined : graph.transforms.get(gbk.parent);
  if (parent?.kind !== "Composite" || !parent.combineFn || parent.children.length !== 2 || parent.children[0] !== gbk.fullName) {
    return undefined;
  }
  const combineParDo = graph.transforms.get(parent.children[1]!);
  const consumers = consumersOf(graph, gbk.outputs.main!);
  if (combineParDo?.kind !== "ParDo" || consumers.length !== 1 || consumers[0] !== combineParDo) return undefined;
  return { composite: parent, combineParDo };
}
