/**
 * samples/stateful-join.ts: the printed output of the default run. The join itself runs on every runner in the
 * conformance suite (`statefulJoinSample` in state-timers.cases.ts).
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const run = promisify(execFile);

describe("samples/stateful-join.ts, a streaming join with state and timers", function () {
  this.timeout(20_000);

  it("matches each order with its payment at once and times out the rest", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx/esm", "samples/stateful-join.ts"], { cwd: ROOT });
    expect(stdout.split("\n")).to.deep.equal([
      "matched    o2  desk paid 120  @12:01",
      "matched    o1  lamp paid 35  @12:03",
      "unmatched  p9  payment of 5  @12:14",
      "unmatched  o3  order of a chair  @12:18",
      "",
    ]);
  });
});
