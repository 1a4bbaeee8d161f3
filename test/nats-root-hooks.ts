/**
 * Mocha root hooks: a test whose title names the NATS runner (`[nats]`, as the conformance matrix names its
 * runs) gets the shared test cluster and its workers (started on first use) through the environment the NATS
 * runner reads its defaults from, so test files that run a pipeline with just `{ runner }` run it there too.
 * The cluster stops when the run ends.
 */
import type { Context } from "mocha";
import { natsUnavailable, sharedNats, stopSharedNats } from "./runners/nats/shared-cluster.js";

export const mochaHooks = {
  async beforeEach(this: Context) {
    const test = this.currentTest;
    if (!test || !/\bnats\b/.test(test.fullTitle())) return;
    if (natsUnavailable()) return;
    const { options } = await sharedNats();
    process.env.SLUICE_NATS_SERVERS = options.servers;
    process.env.SLUICE_NATS_USER = options.user;
    process.env.SLUICE_NATS_PASSWORD = options.password;
  },
  // The cluster's servers are child processes: left running, they would keep mocha from exiting.
  async afterAll() {
    await stopSharedNats();
  },
};
