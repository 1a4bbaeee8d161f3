/**
 * One DoFn object applied in two steps gets one instance per step, as in Beam (which deserialises a fresh copy
 * for every instance): `setup` never runs twice on one object, and no instance serves both steps. The DoFn fails
 * if it is set up twice, and tags what it emits with its instance's id; no id may be seen in both steps. The
 * list it fills in a field is per instance too: each instance's elements saw 0, 1, 2, ... elements before them.
 */
import { randomUUID } from "node:crypto";
import { definePipeline, flatten, groupByKey, kv, type DoFn, type ProcessContext } from "../../../sdk/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { create } from "../../../transforms/index.js";

/** What each instance emits: the element, the instance's id, and how many elements that instance saw before. */
interface Tagged {
  readonly element: string;
  readonly instance: string;
  readonly seenBefore: number;
}

class TagWithInstance implements DoFn<string, Tagged> {
  private instance: string | undefined;
  /** The elements this instance processed. */
  private readonly seen: string[] = [];

  setup(): void {
    if (this.instance !== undefined) throw new Error(`setup ran twice on one DoFn object (instance ${this.instance})`);
    this.instance = randomUUID();
  }

  process(element: string, ctx: ProcessContext<Tagged>): void {
    if (this.instance === undefined) throw new Error("process before setup");
    ctx.output({ element, instance: this.instance, seenBefore: this.seen.length });
    this.seen.push(element);
  }
}

export const oneDoFnObjectInTwoSteps = definePipeline(import.meta, {
  name: "oneDoFnObjectInTwoSteps",
  build(p) {
    const fn = new TagWithInstance();
    // Both steps in one fused stage, so that on every runner one worker runs both.
    const a = p.apply("A", create(["a", "a", "a"])).parDo(fn, { name: "TagA" });
    const b = a.map(() => "b", "ToB").parDo(fn, { name: "TagB" });
    assertThat(a.map((t) => t.element, "ElementsA"), "A").containsInAnyOrder("a", "a", "a");
    assertThat(b.map((t) => t.element, "ElementsB"), "B").containsInAnyOrder("b", "b", "b");
    const byInstance = p
      .apply("Both", flatten([a, b]))
      .map((t) => kv(t.instance, t), "ByInstance")
      .apply("GroupByInstance", groupByKey<string, Tagged>())
      .map(({ value }) => ({ elements: [...new Set(value.map((t) => t.element))], seenBefore: value.map((t) => t.seenBefore).sort((x, y) => x - y) }), "Summarise");
    assertThat(byInstance, "instances").satisfies((instances) => {
      for (const { elements, seenBefore } of instances) {
        if (elements.length !== 1) throw new Error(`one instance served both steps: ${elements.join(", ")}`);
        if (seenBefore.some((n, i) => n !== i)) throw new Error(`an instance's own list was not its own: saw ${seenBefore.join(", ")} before`);
      }
    });
  },
});
