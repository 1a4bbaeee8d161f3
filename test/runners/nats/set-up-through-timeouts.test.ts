/**
 * Making the cluster's shared resources outlasts a slow cluster: a request that times out (a replicated stream's
 * group still forming) is tried again; any other error fails at once.
 */
import { expect } from "chai";
import { TimeoutError } from "@nats-io/transport-node";
import { setUpThroughTimeouts } from "../../../runners/nats/job-resources.js";

describe("setUpThroughTimeouts (shared JetStream resources)", () => {
  it("tries a timed-out request again until it succeeds", async () => {
    let tries = 0;
    const made = await setUpThroughTimeouts(async () => {
      if (++tries < 3) throw new TimeoutError();
      return "stream";
    });
    expect(made).to.equal("stream");
    expect(tries).to.equal(3);
  });

  it("fails at once with an error that is not a timeout", async () => {
    let tries = 0;
    const refused = await setUpThroughTimeouts(async () => {
      tries++;
      throw new Error("stream name already in use with a different configuration");
    }).catch((e: Error) => e);
    expect(String(refused)).to.match(/already in use/);
    expect(tries).to.equal(1);
  });
});
