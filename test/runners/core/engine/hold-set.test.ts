import { expect } from "chai";
import { HoldSet } from "../../../../runners/core/engine/hold-set.js";
import { TIMESTAMP_MAX_VALUE } from "../../../../sdk/model/time.js";
import { seededRandom } from "../../../../runners/direct/seeded-random.js";

describe("HoldSet", () => {
  it("is +∞ when empty, and the minimum of what it holds, counting equal holds", () => {
    const h = new HoldSet();
    expect(h.min()).to.equal(TIMESTAMP_MAX_VALUE);
    h.add(5);
    h.add(3);
    h.add(3);
    expect(h.min()).to.equal(3);
    h.remove(3);
    expect(h.min()).to.equal(3);
    h.remove(3);
    expect(h.min()).to.equal(5);
    h.remove(5);
    expect(h.min()).to.equal(TIMESTAMP_MAX_VALUE);
  });

  it("refuses to release a hold it does not have", () => {
    const h = new HoldSet();
    h.add(1);
    expect(() => h.remove(2)).to.throw(/no watermark hold at 2/);
  });

  it("agrees with a plain list under random adds and removes, re-adding released instants", () => {
    const random = seededRandom(3);
    const h = new HoldSet();
    const list: number[] = [];
    for (let i = 0; i < 5000; i++) {
      if (list.length > 0 && random() < 0.45) {
        const [t] = list.splice(Math.floor(random() * list.length), 1);
        h.remove(t!);
      } else {
        const t = Math.floor(random() * 50);
        list.push(t);
        h.add(t);
      }
      expect(h.min()).to.equal(list.length === 0 ? TIMESTAMP_MAX_VALUE : Math.min(...list));
    }
  });
});
