/**
 * The DoFn lifecycle: `setup` once per instance before anything else, then per bundle `startBundle`, `process`
 * for each element, `finishBundle`; `teardown` last. The DoFns here throw at the first call out of order, and
 * count their calls with metrics so that the test can check the totals in the pipeline result.
 */
import {
  counter,
  definePipeline,
  groupByKey,
  kv,
  type DoFn,
  type FinishBundleContext,
  type KV,
  type ProcessContext,
  type StartBundleContext,
} from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";
import { assertThat } from "../../../sdk/testing/index.js";
import { range } from "./support.js";

/** The lifecycle counters, named as they appear in the pipeline result. */
export const LIFECYCLE_COUNTERS = {
  setup: "setup",
  startBundle: "startBundle",
  process: "process",
  finishBundle: "finishBundle",
} as const;

type State = "new" | "idle" | "inBundle" | "tornDown";

/**
 * Checks the order of lifecycle calls on one instance and counts them. `delayMs` makes the lifecycle methods
 * asynchronous, to check that a runner awaits them before going on.
 */
export class LifecycleCheckingFn<T> implements DoFn<T, T> {
  private state: State = "new";
  private readonly calls = {
    setup: counter(LIFECYCLE_COUNTERS.setup),
    startBundle: counter(LIFECYCLE_COUNTERS.startBundle),
    process: counter(LIFECYCLE_COUNTERS.process),
    finishBundle: counter(LIFECYCLE_COUNTERS.finishBundle),
  };

  constructor(private readonly delayMs = 0) {}

  async setup(): Promise<void> {
    this.expect("setup", "new");
    await this.pause();
    this.state = "idle";
    this.calls.setup.inc();
  }

  async startBundle(_: StartBundleContext): Promise<void> {
    this.expect("startBundle", "idle");
    await this.pause();
    this.state = "inBundle";
    this.calls.startBundle.inc();
  }

  process(element: T, ctx: ProcessContext<T>): void {
    this.expect("process", "inBundle");
    this.calls.process.inc();
    ctx.output(element);
  }

  async finishBundle(_: FinishBundleContext<T>): Promise<void> {
    this.expect("finishBundle", "inBundle");
    await this.pause();
    this.state = "idle";
    this.calls.finishBundle.inc();
  }

  async teardown(): Promise<void> {
    // Teardown may follow setup or a finished bundle, or interrupt a failed one; never come twice.
    this.expect("teardown", "idle", "inBundle");
    this.state = "tornDown";
  }

  private expect(method: string, ...allowed: State[]): void {
    if (!allowed.includes(this.state)) {
      throw new Error(`lifecycle violation: ${method}() called in state '${this.state}' (allowed in: ${allowed.join(", ")})`);
    }
  }

  private pause(): Promise<void> {
    return this.delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, this.delayMs)) : Promise.resolve();
  }
}

/** How many elements the lifecycle cases process. */
export const LIFECYCLE_ELEMENTS = 1000;

export const lifecycleOrder = definePipeline(import.meta, {
  name: "lifecycleOrder",
  build(p) {
    const out = p.apply(create(range(0, LIFECYCLE_ELEMENTS))).parDo(new LifecycleCheckingFn<number>(), { name: "Checked" });
    assertThat(out).satisfies((xs) => xs.length === LIFECYCLE_ELEMENTS);
  },
});

export const lifecycleAsync = definePipeline(import.meta, {
  name: "lifecycleAsync",
  build(p) {
    const out = p.apply(create(range(0, LIFECYCLE_ELEMENTS))).parDo(new LifecycleCheckingFn<number>(2), { name: "Checked" });
    assertThat(out).satisfies((xs) => xs.length === LIFECYCLE_ELEMENTS);
  },
});

export const lifecycleAfterGroupByKey = definePipeline(import.meta, {
  name: "lifecycleAfterGroupByKey",
  build(p) {
    // Groups arrive from a shuffle firing, a different kind of bundle than a source split.
    const groups = p
      .apply(create(range(0, LIFECYCLE_ELEMENTS)))
      .map((i) => kv(i % 10, i))
      .apply(groupByKey());
    const out = groups.parDo(new LifecycleCheckingFn<KV<number, readonly number[]>>(), { name: "Checked" });
    assertThat(out.map((g) => g.value.length)).satisfies((sizes) => sizes.length === 10 && sizes.every((s) => s === 100));
  },
});

/** A DoFn whose setup fails: the run fails naming the step, and later methods are never called. */
export const setupFails = definePipeline(import.meta, {
  name: "setupFails",
  build(p) {
    p.apply(create([1])).parDo(
      {
        setup() {
          throw new Error("cannot connect to the database");
        },
        process() {
          throw new Error("process() called after setup() failed");
        },
      },
      { name: "Connect" },
    );
  },
});

export const finishBundleFails = definePipeline(import.meta, {
  name: "finishBundleFails",
  build(p) {
    p.apply(create([1])).parDo(
      {
        process() {},
        async finishBundle() {
          throw new Error("flush failed");
        },
      },
      { name: "Flush" },
    );
  },
});
