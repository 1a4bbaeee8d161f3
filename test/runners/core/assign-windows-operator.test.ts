import { expect } from "chai";
import { END_OF_GLOBAL_WINDOW, FixedWindows, GLOBAL_WINDOW, IntervalWindow, NO_FIRING, type WindowFn } from "../../../sdk/index.js";
import type { AssignWindowsNode } from "../../../sdk/graph.js";
import { AssignWindowsOperator } from "../../../runners/core/operators/assign-windows-operator.js";
import { UserCodeError } from "../../../runners/core/user-code-error.js";

function operator(windowFn: WindowFn): { op: AssignWindowsOperator; got: string[] } {
  const got: string[] = [];
  const node = { kind: "AssignWindows", fullName: "Events/Window", windowFn, inputs: [], outputs: {} } as unknown as AssignWindowsNode;
  const op = new AssignWindowsOperator(node, { receive: (v, t, w) => void got.push(`${String(v)}@${t} in ${w.id}`) });
  return { op, got };
}

describe("AssignWindowsOperator", () => {
  it("emits one copy per assigned window", () => {
    const { op, got } = operator(new FixedWindows(10));
    op.receive("a", 12, GLOBAL_WINDOW, NO_FIRING);
    expect(got).to.deep.equal(["a@12 in 10:20"]);
  });

  it("rejects invalid element timestamps, naming the step and the element", () => {
    const { op } = operator(new FixedWindows(10));
    for (const bad of [NaN, 1.5, 9e15, Infinity]) {
      let error: unknown;
      try {
        op.receive("x", bad, GLOBAL_WINDOW, NO_FIRING);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(UserCodeError);
      expect((error as UserCodeError).step).to.equal("Events/Window");
      expect((error as UserCodeError).element).to.deep.equal({ value: "x" });
      expect((error as Error).message).to.match(/invalid element timestamp/);
    }
  });

  it("rejects what a custom WindowFn returns when it is not windows, or windows past the end of time", () => {
    const returning = (windows: unknown): WindowFn => ({ description: "Custom", assignWindows: () => windows as never });
    expect(() => operator(returning(undefined)).op.receive(1, 0, GLOBAL_WINDOW, NO_FIRING)).to.throw(/not an array of windows/);
    expect(() => operator(returning([{}])).op.receive(1, 0, GLOBAL_WINDOW, NO_FIRING)).to.throw(/is not a window/);
    expect(() => operator(returning([new IntervalWindow(0, END_OF_GLOBAL_WINDOW + 5)])).op.receive(1, 0, GLOBAL_WINDOW, NO_FIRING)).to.throw(
      /must end by the end of the global window/,
    );
  });

  it("drops an element a WindowFn assigns to no window, as Beam does", () => {
    const { op, got } = operator({ description: "None", assignWindows: () => [] });
    op.receive(1, 0, GLOBAL_WINDOW, NO_FIRING);
    expect(got).to.deep.equal([]);
  });

  it("reports a throwing WindowFn as the step's failure", () => {
    const { op } = operator(new FixedWindows(10));
    expect(() => op.receive(1, END_OF_GLOBAL_WINDOW + 1, GLOBAL_WINDOW, NO_FIRING)).to.throw(UserCodeError, /after the end of the global window/);
  });
});
