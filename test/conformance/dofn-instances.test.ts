import { expect } from "chai";
import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/dofn-instances.cases.js";
import { copyDoFn, takeDoFnInstance } from "../../runners/core/operators/dofn-instances.js";

describe("One DoFn object in two steps: one instance per application", () => conformanceCases(cases));

describe("copyDoFn", () => {
  class Client {
    calls = 0;
  }
  class Fn {
    items: number[] = [1];
    byKey = new Map<string, { n: number }>([["k", { n: 1 }]]);
    options = { nested: { depth: 2 } };
    readonly client = new Client();
    readonly constant = Object.freeze({ limit: 3 });
    readonly format = (x: number) => `${x}`;
    self: Fn | undefined;
    process(): void {}
  }

  it("keeps the prototype, copies plain data deeply and shares functions, frozen objects and class instances", () => {
    const original = new Fn();
    original.self = original;
    const copy = copyDoFn(original);
    expect(copy).to.be.instanceOf(Fn);
    expect(copy).to.not.equal(original);
    expect(copy.items).to.deep.equal([1]);
    expect(copy.items).to.not.equal(original.items);
    expect(copy.byKey.get("k")).to.deep.equal({ n: 1 });
    expect(copy.byKey.get("k")).to.not.equal(original.byKey.get("k"));
    expect(copy.options.nested).to.deep.equal({ depth: 2 });
    expect(copy.options.nested).to.not.equal(original.options.nested);
    expect(copy.client).to.equal(original.client);
    expect(copy.constant).to.equal(original.constant);
    expect(copy.format).to.equal(original.format);
    expect(copy.self).to.equal(copy);
  });

  it("copies plain-object DoFns and keeps them frozen", () => {
    const fn = Object.freeze({ seen: [] as number[], process() {} });
    const copy = copyDoFn(fn);
    expect(Object.isFrozen(copy)).to.equal(true);
    expect(copy.process).to.equal(fn.process);
  });

  it("hands out the object itself first, then copies of it as it was then", () => {
    const fn = new Fn();
    expect(takeDoFnInstance(fn)).to.equal(fn);
    fn.items.push(2); // the first instance at work
    const second = takeDoFnInstance(fn);
    expect(second).to.be.instanceOf(Fn);
    expect(second).to.not.equal(fn);
    expect(second.items).to.deep.equal([1]);
    expect(takeDoFnInstance(fn)).to.not.equal(second);
  });
});
