/**
 * `sluice worker`'s supervisor: a serving process that dies leaves the worker registry at once (coordinators
 * retry its tasks without waiting for its entry to go stale) and is replaced by a new one under a new worker id;
 * a serving process blocked by a long computation stays live (its supervisor keeps its entry and its task's
 * progress going), so its task is neither redelivered nor retried.
 * (Hung tasks, the supervisor's other job, are the conformance suite's liveness cases on `nats`.)
 */
import { expect } from "chai";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { descendantsOf, natsUnavailable, sharedNats, startWorkers } from "./shared-cluster.js";
import { WORKERS_BUCKET, type WorkerEntry } from "../../../runners/nats/job-resources.js";
import longElement from "./fixtures/long-element.js";

/** The registry's entries of workers whose serving process is a child of `supervisorPid`. */
async function entriesOf(nc: NatsConnection, supervisorPid: number): Promise<WorkerEntry[]> {
  const kv = await new Kvm(nc).open(WORKERS_BUCKET);
  const out: WorkerEntry[] = [];
  const children = descendantsOf(supervisorPid);
  // The bucket exists once the first worker made it.
  const keys = await kv.keys().catch(() => undefined);
  if (!keys) return out;
  for await (const key of keys) {
    const e = await kv.get(key);
    if (e?.operation !== "PUT") continue;
    const entry = JSON.parse(e.string()) as WorkerEntry;
    if (children.includes(entry.pid)) out.push(entry);
  }
  return out;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    // A probe that hangs (a KV listing while the cluster is busy) is asked again.
    const v = await Promise.race([probe(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000).unref())]);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("NATS runner: the worker supervisor [nats]", function () {
  this.timeout(60_000);
  let nc: NatsConnection | undefined;

  before(function () {
    if (natsUnavailable()) this.skip();
  });
  after(async () => nc?.close());

  it("removes a killed serving process from the registry at once and starts another", async () => {
    const { options } = await sharedNats();
    nc = await connect({ servers: options.servers.split(","), user: options.user, pass: options.password });
    const [supervisor] = startWorkers(options, 1);
    try {
      const first = await until("a serving process registered", 30_000, async () => (await entriesOf(nc!, supervisor!.pid!))[0]);
      process.kill(first.pid, "SIGKILL");
      const killedAt = Date.now();
      await until("the killed process's entry deleted", 30_000, async () => ((await entriesOf(nc!, supervisor!.pid!)).some((e) => e.id === first.id) ? undefined : true));
      // Far sooner than a stale entry's 5 s: the supervisor deletes it when its process exits.
      expect(Date.now() - killedAt).to.be.lessThan(4500);
      const second = await until("a new serving process registered", 30_000, async () => (await entriesOf(nc!, supervisor!.pid!)).find((e) => e.id !== first.id));
      expect(second.pid).to.not.equal(first.pid);
    } finally {
      supervisor!.kill("SIGTERM");
    }
  });

  it("keeps a serving process blocked longer than the liveness timeout and the ack wait live: its task is not retried", async () => {
    const { options } = await sharedNats();
    const result = await longElement.run({ runner: "nats", ...options, blockMs: 12_000, maxAttempts: 1, quiet: true });
    expect(result.stats!.retries).to.equal(0);
  });
});
