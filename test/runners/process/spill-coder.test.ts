import { expect } from "chai";
import setCoderThroughSpill from "./fixtures/coder-spill.js";

describe("process runner: spilling a GroupByKey whose input has its own coder", function () {
  this.timeout(120_000);

  it("spills the elements as their coder encodes them and gets them back as class instances", async () => {
    const result = await setCoderThroughSpill.run({ runner: "process", memoryMb: 1, quiet: true });
    expect(result.stats!.spillRuns, `sorted runs spilled: ${JSON.stringify(result.stats)}`).to.be.greaterThan(0);
  });
});
