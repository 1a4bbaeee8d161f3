import { expect } from "chai";
import {
  AfterAll,
  AfterAny,
  AfterCount,
  AfterEach,
  AfterProcessingTime,
  AfterWatermark,
  DefaultTrigger,
  FixedWindows,
  GlobalWindows,
  Never,
  OrFinally,
  Pipeline,
  Repeatedly,
  Sessions,
  describeTrigger,
  describeWindowing,
  graphFingerprint,
  windowInto,
  type Trigger,
} from "../../sdk/index.js";
import { continuationTrigger, isLiftableTrigger, mayFinish, triggerProblem } from "../../sdk/model/triggers.js";
import { groupByKeyProblem, windowingAfterGroupByKey, GLOBAL_WINDOWING } from "../../sdk/model/windowing-strategy.js";
import { InvalidWindows } from "../../sdk/model/window-fns.js";
import { create } from "../../transforms/index.js";

describe("triggers (SDK data)", () => {
  it("are frozen plain data", () => {
    const t = AfterWatermark({ early: AfterCount(2), late: Repeatedly(AfterProcessingTime(5, { alignTo: { period: 10 } })) });
    expect(Object.isFrozen(t)).to.equal(true);
    expect(JSON.parse(JSON.stringify(t))).to.deep.equal({
      kind: "AfterWatermark",
      early: { kind: "AfterCount", count: 2 },
      late: { kind: "Repeatedly", trigger: { kind: "AfterProcessingTime", delay: 5, alignTo: { period: 10, offset: 0 } } },
    });
  });

  it("have stable descriptions", () => {
    expect(describeTrigger(DefaultTrigger())).to.equal("Default()");
    expect(describeTrigger(AfterWatermark({ early: AfterCount(2), late: AfterCount(3) }))).to.equal("AfterWatermark(early=AfterCount(2), late=AfterCount(3))");
    expect(describeTrigger(OrFinally(Repeatedly(AfterCount(1)), AfterAny(AfterCount(5), AfterProcessingTime(100))))).to.equal(
      "OrFinally(Repeatedly(AfterCount(1)), until=AfterAny(AfterCount(5), AfterProcessingTime(100ms)))",
    );
    expect(describeTrigger(AfterEach(AfterAll(Never(), AfterCount(1))))).to.equal("AfterEach(AfterAll(Never(), AfterCount(1)))");
  });

  it("reject AfterCount(0), negative counts and bad delays at construction", () => {
    expect(() => AfterCount(0)).to.throw(RangeError, /AfterCount\(0\): the element count must be a positive integer/);
    expect(() => AfterCount(-3)).to.throw(RangeError, /positive integer/);
    expect(() => AfterCount(1.5)).to.throw(RangeError);
    expect(() => AfterProcessingTime(-1)).to.throw(RangeError, /non-negative/);
    expect(() => AfterProcessingTime(0, { alignTo: { period: 0 } })).to.throw(RangeError, /period/);
    expect(() => AfterAny()).to.throw(RangeError, /at least 1 trigger/);
    expect(() => Repeatedly(undefined as unknown as Trigger)).to.throw(TypeError, /expected a trigger/);
  });

  it("find problems in hand-built trees", () => {
    expect(triggerProblem({ kind: "Repeatedly", trigger: { kind: "AfterCount", count: 0 } })).to.match(/AfterCount\(0\)/);
    expect(triggerProblem({ kind: "Sometimes" })).to.match(/unknown trigger kind 'Sometimes'/);
    expect(triggerProblem(AfterWatermark({ late: AfterCount(1) }))).to.equal(undefined);
  });

  it("know which can finish, lift and continue (Beam's mayFinish, lift_combiners, continuation triggers)", () => {
    expect(mayFinish(AfterWatermark())).to.equal(true);
    expect(mayFinish(AfterWatermark({ late: AfterCount(1) }))).to.equal(false);
    expect(mayFinish(Repeatedly(AfterCount(2)))).to.equal(false);
    expect(isLiftableTrigger(AfterWatermark({ early: AfterCount(1) }))).to.equal(true);
    expect(isLiftableTrigger(AfterWatermark({ early: AfterCount(2) }))).to.equal(false);
    expect(describeTrigger(continuationTrigger(AfterWatermark({ early: AfterCount(5), late: AfterProcessingTime(10) })))).to.equal(
      "AfterWatermark(early=AfterCount(1), late=AfterProcessingTime(0ms))",
    );
    expect(describeTrigger(continuationTrigger(AfterEach(AfterCount(3), AfterWatermark())))).to.equal("Repeatedly(AfterAny(AfterCount(1), AfterWatermark()))");
  });
});

describe("windowing strategies", () => {
  it("put non-default triggers, lateness and behaviours in the fingerprint", () => {
    const base = { windowFn: new FixedWindows(10), trigger: DefaultTrigger(), accumulationMode: "DISCARDING" as const, allowedLateness: 0, timestampCombiner: "END_OF_WINDOW" as const };
    expect(describeWindowing(base)).to.equal("FixedWindows(size=10ms, offset=0ms)|Default()|DISCARDING|0|END_OF_WINDOW");
    expect(describeWindowing({ ...base, trigger: Repeatedly(AfterCount(2)), allowedLateness: 5 })).to.equal(
      "FixedWindows(size=10ms, offset=0ms)|Repeatedly(AfterCount(2))|DISCARDING|5|END_OF_WINDOW",
    );
    expect(describeWindowing({ ...base, closingBehavior: "FIRE_ALWAYS", onTimeBehavior: "FIRE_IF_NON_EMPTY" })).to.match(/\|closing=FIRE_ALWAYS\|onTime=FIRE_IF_NON_EMPTY$/);
    expect(describeWindowing({ ...base, closingBehavior: "FIRE_IF_NON_EMPTY" })).to.equal(describeWindowing(base));
  });

  it("change the graph fingerprint with the trigger", () => {
    const build = (trigger: Trigger): string => {
      const p = new Pipeline();
      p.apply(create([1])).apply(windowInto(new FixedWindows(10), { trigger, accumulation: "DISCARDING", allowedLateness: 0 }));
      return graphFingerprint(p.graph);
    };
    expect(build(AfterCount(1))).to.not.equal(build(AfterCount(2)));
    expect(build(AfterCount(2))).to.equal(build(AfterCount(2)));
  });

  it("after a GroupByKey carry the continuation trigger and invalidate merging windows", () => {
    const out = windowingAfterGroupByKey({ ...GLOBAL_WINDOWING, windowFn: new Sessions(10), trigger: Repeatedly(AfterCount(3)) });
    expect(out.windowFn).to.be.instanceOf(InvalidWindows);
    expect(describeTrigger(out.trigger)).to.equal("Repeatedly(AfterCount(1))");
    expect(groupByKeyProblem(out, true)).to.match(/cannot be grouped again/);
    expect(windowingAfterGroupByKey(GLOBAL_WINDOWING)).to.equal(GLOBAL_WINDOWING);
  });

  it("flag GroupByKeys that could never emit or would silently drop data", () => {
    expect(groupByKeyProblem(GLOBAL_WINDOWING, false)).to.match(/would never emit/);
    expect(groupByKeyProblem(GLOBAL_WINDOWING, true)).to.equal(undefined);
    const fixed = { ...GLOBAL_WINDOWING, windowFn: new FixedWindows(10) };
    expect(groupByKeyProblem({ ...fixed, trigger: AfterCount(2) }, true)).to.match(/may finish before the window is garbage collected/);
    expect(groupByKeyProblem({ ...fixed, trigger: AfterWatermark() }, true)).to.equal(undefined);
    expect(groupByKeyProblem({ ...fixed, trigger: AfterWatermark(), allowedLateness: 10 }, true)).to.match(/may finish/);
    expect(groupByKeyProblem({ ...fixed, trigger: AfterWatermark({ late: AfterCount(1) }), allowedLateness: 10 }, true)).to.equal(undefined);
  });

  it("accept unsafe triggers with allowUnsafeTriggers", () => {
    const allow = { allowUnsafeTriggers: true };
    const fixed = { ...GLOBAL_WINDOWING, windowFn: new FixedWindows(10) };
    expect(groupByKeyProblem(GLOBAL_WINDOWING, false, allow)).to.equal(undefined);
    expect(groupByKeyProblem({ ...fixed, trigger: AfterCount(2) }, true, allow)).to.equal(undefined);
    expect(groupByKeyProblem({ ...fixed, trigger: AfterWatermark(), allowedLateness: 10 }, false, allow)).to.equal(undefined);
  });
});

describe("windowInto validation (Beam's Window.validate)", () => {
  const apply = (options: Parameters<typeof windowInto>[1], windowFn = new FixedWindows(10) as never): void => {
    const p = new Pipeline();
    p.apply(create([1])).apply("Win", windowInto(windowFn, options));
  };

  it("accepts the defaults and fully specified triggers", () => {
    apply({});
    apply({ trigger: Repeatedly(AfterCount(2)), accumulation: "ACCUMULATING", allowedLateness: 0 });
    apply({ trigger: Repeatedly(AfterCount(2)), accumulation: "DISCARDING" }, new GlobalWindows() as never);
  });

  it("requires the accumulation mode with a non-default trigger, naming the step", () => {
    expect(() => apply({ trigger: Repeatedly(AfterCount(2)), allowedLateness: 0 })).to.throw(/^Win: the trigger Repeatedly\(AfterCount\(2\)\) can emit several panes per window, so choose accumulation/);
  });

  it("requires the accumulation mode with allowed lateness outside the global window", () => {
    expect(() => apply({ allowedLateness: 10 })).to.throw(/an allowed lateness above 0 can emit several panes/);
    apply({ allowedLateness: 10 }, new GlobalWindows() as never);
  });

  it("requires allowedLateness with a non-default trigger outside the global window", () => {
    expect(() => apply({ trigger: AfterWatermark(), accumulation: "DISCARDING" })).to.throw(/needs allowedLateness/);
  });

  it("rejects negative lateness, bad triggers and a merging WindowFn without mergeWindows", () => {
    expect(() => apply({ allowedLateness: -1 })).to.throw(/^Win: allowedLateness must be a non-negative integer/);
    expect(() => apply({ trigger: { kind: "AfterCount", count: 0 }, accumulation: "DISCARDING", allowedLateness: 0 })).to.throw(/^Win: invalid trigger: AfterCount\(0\)/);
    const broken = { description: "Broken", isMerging: true, assignWindows: () => [] };
    expect(() => apply({}, broken as never)).to.throw(/Broken says it is merging but has no mergeWindows/);
  });
});
