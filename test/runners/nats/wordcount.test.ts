/**
 * The NATS runner end to end, as a user runs it: `sluice run samples/wordcount.ts --runner=nats --localWorkers 2`
 * against the test cluster gives the direct runner's output, byte for byte, and leaves none of its messages in
 * the cluster's streams.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { leftSubjects, natsUnavailable, sharedNats } from "./shared-cluster.js";

const run = promisify(execFile);
const BIN = path.resolve("bin/sluice.js");

function readShards(prefix: string): string {
  const dir = path.dirname(prefix);
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(path.basename(prefix)))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
    .join("");
}

describe("NATS runner: WordCount with local workers", function () {
  this.timeout(120_000);

  it("gives the direct runner's output byte for byte and purges its messages [nats]", async function () {
    if (natsUnavailable()) this.skip();
    const { options } = await sharedNats();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-nats-wc-"));
    try {
      const env = { ...process.env, SLUICE_NATS_PASSWORD: options.password };
      await run(process.execPath, [BIN, "run", "samples/wordcount.ts", "--output", path.join(dir, "direct/counts")], { env });
      const { stderr } = await run(
        process.execPath,
        [BIN, "run", "samples/wordcount.ts", "--runner=nats", "--localWorkers", "2", "--servers", options.servers, "--user", options.user, "--output", path.join(dir, "nats/counts"), "--stats"],
        { env },
      );
      const direct = readShards(path.join(dir, "direct/counts"));
      expect(direct.length).to.be.greaterThan(100);
      expect(readShards(path.join(dir, "nats/counts"))).to.equal(direct);
      expect(stderr).to.not.match(/error/i);
      // Tests run one at a time, and every earlier job purged its messages when it ended.
      expect(await leftSubjects(options)).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
