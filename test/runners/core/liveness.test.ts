import { expect } from "chai";
import { guardEventLoop, settleWithin, TaskTimeoutError, taskTimeoutMs } from "../../../runners/core/liveness.js";
import { defaultOptions, validateStandardOptions } from "../../../sdk/options.js";
import { UsageError } from "../../../sdk/usage-error.js";
import { PipelineError } from "../../../sdk/runner-api.js";

const never = <T>(): Promise<T> => new Promise<T>(() => {});

describe("liveness of user code (runners/core/liveness.ts)", () => {
  it("settleWithin passes a value or a rejection through, with or without a limit", async () => {
    expect(await settleWithin("S", "setup", Promise.resolve(3), 1000)).to.equal(3);
    expect(await settleWithin("S", "setup", Promise.resolve(4), 0)).to.equal(4);
    const error = await settleWithin("S", "setup", Promise.reject(new Error("boom")), 1000).catch((e: unknown) => e);
    expect((error as Error).message).to.equal("boom");
  });

  it("settleWithin fails with a TaskTimeoutError naming the method when the limit passes", async () => {
    const started = Date.now();
    const error = await settleWithin("S", "finishBundle", never(), 50).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskTimeoutError);
    expect((error as Error).message).to.equal("finishBundle did not settle within 0.05 s (--taskTimeout)");
    expect(Date.now() - started).to.be.at.least(45);
  });

  it("guardEventLoop settles as the run does, and rejects naming the pending call once the event loop drains", async () => {
    expect(await guardEventLoop(Promise.resolve("done"))).to.equal("done");
    // Simulate the drain: mocha's own timers keep this process's event loop busy, so emit the event by hand.
    let settle!: () => void;
    const pendingCall = settleWithin("P/Connect", "setup", new Promise<void>((resolve) => (settle = resolve)), 0);
    const guarded = guardEventLoop(pendingCall).catch((e: unknown) => e);
    process.emit("beforeExit", 0);
    const error = await guarded;
    settle(); // so that the call is no longer pending for later tests
    await pendingCall;
    expect(error).to.be.instanceOf(PipelineError);
    expect((error as PipelineError).message).to.match(/^step 'P\/Connect' failed: TaskTimeoutError: setup never settled/);
    expect((error as PipelineError).details.step).to.equal("P/Connect");
  });

  it("--taskTimeout: 600 s by default, 0 for no limit, negative refused", () => {
    expect(defaultOptions().taskTimeout).to.equal(600);
    expect(taskTimeoutMs(600)).to.equal(600_000);
    expect(taskTimeoutMs(0)).to.equal(0);
    expect(() => validateStandardOptions({ ...defaultOptions(), taskTimeout: 0 })).not.to.throw();
    expect(() => validateStandardOptions({ ...defaultOptions(), taskTimeout: -1 })).to.throw(UsageError, /--taskTimeout/);
  });
});
