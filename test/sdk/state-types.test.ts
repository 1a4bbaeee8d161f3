/**
 * State and timer declarations give typed accessors in process, timer callbacks and onWindowExpiration without
 * casts. The checks are compile-time (`npm run typecheck` fails if the types regress, including the
 * `@ts-expect-error` lines, which must stay errors); the runtime tests check the declarations are validated.
 */
import { expect } from "chai";
import { kv, parDo, Pipeline, StateSpecs, statefulDoFn, TimerSpecs, Sessions, windowInto, type KV, type PCollection } from "../../sdk/index.js";
import { create, groupIntoBatches } from "../../transforms/index.js";

/** Compiles only if `A` and `B` are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<A, B>(_: Equal<A, B>): void {}

const sum = { createAccumulator: () => 0, addInput: (a: number, x: number) => a + x, mergeAccumulators: (as: number[]) => as.reduce((a, b) => a + b, 0), extractOutput: (a: number) => String(a) };

const typed = statefulDoFn<string, number, string, { extra: boolean }>()({
  state: {
    last: StateSpecs.value<number>(),
    seen: StateSpecs.bag<string>(),
    total: StateSpecs.combining(sum),
    byName: StateSpecs.map<string, Date>(),
    names: StateSpecs.set<string>(),
  },
  timers: { flush: TimerSpecs.eventTime(), perItem: TimerSpecs.processingTimeFamily() },
  process(element, ctx) {
    expectType<typeof element, KV<string, number>>(true);
    expectType<typeof ctx.key, string>(true);
    expectType<ReturnType<typeof ctx.state.last.read>, number | undefined>(true);
    expectType<ReturnType<typeof ctx.state.seen.read>, string[]>(true);
    expectType<ReturnType<typeof ctx.state.total.read>, string>(true);
    expectType<ReturnType<typeof ctx.state.byName.get>, Date | undefined>(true);
    expectType<ReturnType<typeof ctx.state.names.add>, boolean>(true);
    ctx.timers.flush.set(ctx.window.maxTimestamp(), { outputTimestamp: ctx.timestamp });
    ctx.timers.perItem.get("x").setRelative(10);
    ctx.outputTo("extra", true);
    // @ts-expect-error a value state of numbers takes numbers
    ctx.state.last.write("one");
    // @ts-expect-error no such state
    void ctx.state.missing;
    // @ts-expect-error a plain timer has no tags
    void ctx.timers.flush.get;
    // @ts-expect-error the main output is a string
    ctx.output(1);
  },
  onTimer: {
    flush(ctx) {
      expectType<typeof ctx.key, string>(true);
      expectType<ReturnType<typeof ctx.state.total.readAccumulator>, number | undefined>(true);
      ctx.output(`${ctx.key} ${ctx.state.total.read()}`);
    },
    perItem(ctx) {
      expectType<typeof ctx.timerTag, string>(true);
    },
  },
  onWindowExpiration(ctx) {
    expectType<ReturnType<typeof ctx.state.names.read>, string[]>(true);
    // @ts-expect-error no timers in onWindowExpiration
    void ctx.timers;
  },
});

/** Never called: it only has to fail to compile. */
export function missingCallback(): void {
  // @ts-expect-error every declared timer needs its callback
  statefulDoFn<string, number, string>()({ timers: { t: TimerSpecs.eventTime() }, process() {}, onTimer: {} });
}

function build(): Pipeline {
  const p = new Pipeline();
  const out = p.apply(create([kv("a", 1)])).apply(parDo(typed));
  expectType<typeof out, PCollection<string>>(true);
  const batches = p.apply("More", create([kv("a", 1)])).apply(groupIntoBatches<string, number>(2));
  expectType<typeof batches, PCollection<KV<string, number[]>>>(true);
  return p;
}

describe("state and timer declarations", () => {
  it("type the accessors (compile-time) and build a graph with a stateful ParDo", () => {
    expect(build().graph.transforms.size).to.be.greaterThan(0);
  });

  it("are validated when the DoFn is built", () => {
    expect(() => statefulDoFn<string, number, string>()({ timers: { t: TimerSpecs.eventTime() }, process() {} } as never)).to.throw(
      /timer 't' has no callback: add onTimer.t/,
    );
    expect(() => statefulDoFn<string, number, string>()({ process() {}, onTimer: { u() {} } } as never)).to.throw(/onTimer.u has no timer/);
    expect(() => statefulDoFn<string, number, string>()({ state: { s: { kind: "list" } }, process() {} } as never)).to.throw(/state 's' is not a state declaration/);
  });

  it("refuse merging windows and side inputs when applied", () => {
    const p = new Pipeline();
    const input = p.apply(create([kv("a", 1)]));
    expect(() => input.apply(windowInto<KV<string, number>>(new Sessions(5))).apply(parDo(typed))).to.throw(/state and timers are not supported in merging windows/);
    const view = { pcollection: input } as never;
    expect(() => input.apply("WithSide", parDo(typed, [view]))).to.throw(/state and timers with side inputs are not supported yet/);
  });
});
