/**
 * Resident streaming state past --memoryMb: a worker over its budget after a group task hands the key group's
 * state over as a checkpoint file and drops it; the key group's next task brings it back. Slower, but bounded in
 * memory, and exact.
 */
import { expect } from "chai";
import spillingState from "./fixtures/spilling-state.js";

describe("process runner: resident streaming state over --memoryMb", function () {
  this.timeout(120_000);

  it("spills key groups to disk between their tasks and still counts every element once", async () => {
    // 16 KiB of heap per number, 20,000 numbers a second in 1 s windows: ~160 MB live per worker, against a heap
    // capped at 144 MiB (--memoryMb 16 + 128). Without spilling the workers run out of memory; each of the 8 key
    // groups (~40 MB a window) fits, with room for a window or two of lag on a loaded machine (at 30,000 a second
    // a key group lagging one window did not).
    const result = await spillingState.run({ runner: "process", parallelism: 2, memoryMb: 16, bytes: 16384, numbers: 40_000, rate: 20_000, quiet: true });
    expect(result.stats!.spilledBytes, "bytes of state spilled").to.be.greaterThan(16 * 2 ** 20);
  });
});
