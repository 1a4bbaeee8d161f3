import { expect } from "chai";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { natsServerAvailable, startNatsCluster, type NatsCluster } from "./nats-cluster.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `fn` until it succeeds or `ms` passed (JetStream requests can fail or time out while a node is down). */
async function retrying<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(250);
    }
  }
}

describe("test/runners/nats: a 3-node JetStream cluster helper", function () {
  this.timeout(45_000); // about 5-10 s; a restart right after the meta leader died waits for a new one (4-9 s)
  let cluster: NatsCluster | undefined;
  let nc: NatsConnection | undefined;

  after(async function () {
    await nc?.close().catch(() => undefined);
    await cluster?.stop();
  });

  it("runs an R3 stream that keeps accepting writes with one node killed, and restarts the node", async function () {
    if (!natsServerAvailable()) {
      this.test!.title += " — skipped: no nats-server on PATH or at /usr/sbin/nats-server (apt-get install nats-server; .ci/run installs it)";
      this.skip();
    }
    cluster = await startNatsCluster();
    expect(cluster.servers).to.have.length(3);
    for (const url of cluster.servers) expect(url).to.match(/^nats:\/\/127\.0\.0\.1:\d+$/);

    const admin = await connect({ servers: [...cluster.servers], user: cluster.user, pass: cluster.password });
    let leader: string | undefined;
    try {
      const jsm = await jetstreamManager(admin);
      const info = await jsm.streams.add({ name: "EVENTS", subjects: ["events.>"], num_replicas: 3 });
      expect(info.config.num_replicas).to.equal(3);
      leader = (await jsm.streams.info("EVENTS")).cluster?.leader;
    } finally {
      await admin.close();
    }
    // The node to kill: a follower of the stream, and the one the client is connected to (first in its list, not
    // randomized), so it has to reconnect. Not the stream leader: nats-server 2.9 takes 4-9 s to elect a new one.
    const names = cluster.servers.map((_, i) => `n${i + 1}`);
    expect(names, "the stream leader").to.include(leader);
    const victim = names.findIndex((name) => name !== leader);
    const order = [victim, ...names.map((_, i) => i).filter((i) => i !== victim)];
    nc = await connect({
      servers: order.map((i) => cluster!.servers[i]!),
      noRandomize: true,
      user: cluster.user,
      pass: cluster.password,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    expect(nc.info?.server_name).to.equal(names[victim]);
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc, { timeout: 2_000 });

    const ack1 = await js.publish("events.a", "first");
    expect(ack1.seq).to.equal(1);
    const first = await jsm.streams.getMessage("EVENTS", { seq: 1 });
    expect(first?.string()).to.equal("first");

    // Messages published while the client is disconnected are dropped, not buffered (NATS is at-most-once: nats.js
    // discards its pending buffer on a disconnect), so the next publish waits for the reconnect.
    const reconnected = (async () => {
      for await (const s of nc!.status()) if (s.type === "reconnect") return;
    })();
    await cluster.kill(victim);
    let timer: NodeJS.Timeout | undefined;
    const noReconnect = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the client did not reconnect to another node within 10 s")), 10_000);
    });
    await Promise.race([reconnected, noReconnect]).finally(() => clearTimeout(timer));
    const ack2 = await retrying(10_000, () => js.publish("events.b", "second"));
    expect(ack2.seq).to.equal(2);
    expect(nc.info?.server_name, "reconnected elsewhere").to.not.equal(names[victim]);
    const second = await retrying(5_000, () => jsm.streams.getMessage("EVENTS", { seq: 2 }));
    expect(second?.string()).to.equal("second");

    await cluster.restart(victim);
    const ack3 = await retrying(10_000, () => js.publish("events.c", "third"));
    expect(ack3.seq).to.equal(3);
    const after = await retrying(5_000, async () => {
      const si = await jsm.streams.info("EVENTS");
      if (!si.cluster?.replicas?.every((r) => r.current)) throw new Error(`replicas not current: ${JSON.stringify(si.cluster)}`);
      return si;
    });
    expect(after.state.messages).to.equal(3);
    expect(after.cluster?.replicas, "two followers").to.have.length(2);

    await nc.close();
    nc = undefined;
    await cluster.stop();
    await cluster.stop(); // idempotent
  });
});
