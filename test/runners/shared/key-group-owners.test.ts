import { expect } from "chai";
import { KeyGroupOwners } from "../../../runners/shared/key-group-owners.js";
import type { BlobRef, GroupReplay } from "../../../runners/shared/protocol.js";

const blob = (bytes: number): BlobRef => new Uint8Array(bytes);
const task = (watermark: number, ...records: BlobRef[]): GroupReplay => ({ watermark, arrivalWatermark: watermark, processingTime: 0, records });

describe("KeyGroupOwners", () => {
  it("spreads key groups over the slots", () => {
    const owners = new KeyGroupOwners(2, () => {});
    expect([0, 1, 2, 3].map((p) => owners.owner("S1", p))).to.deep.equal([1, 0, 1, 0]);
  });

  it("asks nothing of a resident key group, and the checkpoint and the tasks since of one whose worker was lost", () => {
    const released: BlobRef[] = [];
    const owners = new KeyGroupOwners(2, (b) => released.push(b));
    const [r1, r2, cp, r3] = [blob(10), blob(10), blob(5), blob(10)];
    owners.succeeded("S1", 0, task(1, r1), true, undefined);
    expect(owners.restoreFor("S1", 0)).to.equal(undefined);
    owners.succeeded("S1", 0, task(2, r2), true, cp);
    expect(released, "records covered by the checkpoint").to.deep.equal([r1, r2]);
    owners.succeeded("S1", 0, task(3, r3), true, undefined);
    owners.lost(owners.owner("S1", 0));
    expect(owners.restoreFor("S1", 0)).to.deep.equal({ checkpoint: cp, replay: [task(3, r3)] });
    // Another slot's key groups are unaffected.
    owners.succeeded("S1", 1, task(3, blob(1)), true, undefined);
    expect(owners.restoreFor("S1", 1)).to.equal(undefined);
  });

  it("keeps nothing for a key group left without state", () => {
    const released: BlobRef[] = [];
    const owners = new KeyGroupOwners(1, (b) => released.push(b));
    const r = blob(10);
    owners.succeeded("S1", 0, task(1, r), false, undefined);
    owners.lost(0);
    expect(owners.restoreFor("S1", 0)).to.equal(undefined);
    expect(released).to.deep.equal([r]);
  });

  it("asks for a checkpoint once the logged records outweigh the last one", () => {
    const owners = new KeyGroupOwners(1, () => {});
    expect(owners.wantsCheckpoint("S1", 0, 1024)).to.equal(false);
    expect(owners.wantsCheckpoint("S1", 0, 4 * 2 ** 20)).to.equal(true);
    owners.succeeded("S1", 0, task(1, blob(16)), true, blob(8 * 2 ** 20));
    expect(owners.wantsCheckpoint("S1", 0, 31 * 2 ** 20), "less than four times the 8 MiB checkpoint").to.equal(false);
    expect(owners.wantsCheckpoint("S1", 0, 32 * 2 ** 20)).to.equal(true);
  });

  it("asks for a checkpoint of a slow stream after an interval that grows with what the last one cost", async () => {
    let now = 1_000_000;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const owners = new KeyGroupOwners(1, () => {});
      owners.succeeded("S1", 0, task(1, blob(16)), true, blob(2 ** 20), 3_000); // a 1 MiB checkpoint that took 3 s
      owners.succeeded("S1", 0, task(2, blob(2 ** 17)), true, undefined);
      now += 31_000;
      expect(owners.wantsCheckpoint("S1", 0, 16), "30 s, but 20 × 3 s not yet").to.equal(false);
      now += 30_000;
      expect(owners.wantsCheckpoint("S1", 0, 16), "past 60 s, with an eighth of the checkpoint logged").to.equal(true);
    } finally {
      Date.now = realNow;
    }
  });
});

describe("KeyGroupOwners: slots", () => {
  it("moves a key group without state to the idlest slot, and keeps one with state on its owner", () => {
    const owners = new KeyGroupOwners(2, () => {});
    expect(owners.slotFor("S1", 0, [0, 1])).to.equal(0);
    owners.ended("S1", 0);
    owners.succeeded("S1", 0, task(1, blob(1)), true, undefined);
    expect(owners.slotFor("S1", 0, [1, 0]), "pinned by its state").to.equal(0);
    owners.ended("S1", 0);
    owners.succeeded("S1", 0, task(2, blob(1)), false, undefined);
    expect(owners.slotFor("S1", 0, [1, 0]), "empty again: free to move").to.equal(1);
  });

  it("spreads a stage's key groups evenly while they get state, whatever the load when they start", () => {
    const owners = new KeyGroupOwners(2, () => {});
    // Slot 1 is busy with other work when the stream's first key groups start; all four start at once.
    const busy = [0, 3];
    const slots = [0, 1, 2, 3].map((p) => owners.slotFor("S2", p, busy));
    expect(slots.filter((s) => s === 0)).to.have.length(2);
    for (const p of [0, 1, 2, 3]) {
      owners.ended("S2", p);
      owners.succeeded("S2", p, task(1, blob(1)), true, undefined);
    }
    expect([0, 1, 2, 3].map((p) => owners.slotFor("S2", p, [0, 0])), "state keeps them where they are").to.deep.equal(slots);
  });
});
