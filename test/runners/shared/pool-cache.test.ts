/**
 * The parallel runners' warm pools: a run takes an idle pool of its key or makes one, and `Runner.prepare`
 * prestarts the pool the run is about to take, so that its workers start while the graph is built.
 */
import { expect } from "chai";
import { PoolCache } from "../../../runners/shared/run-on-pool.js";
import type { WorkerPool } from "../../../runners/shared/worker-pool.js";

/** A pool that only counts how many were made. */
function countingCache(): { cache: PoolCache<WorkerPool>; made: string[] } {
  const made: string[] = [];
  const cache = new PoolCache<WorkerPool>((key) => {
    made.push(key);
    const pool: WorkerPool = { size: 1, run: () => Promise.reject(new Error("not run")), runOnEach: async () => undefined, close: async () => undefined };
    return pool;
  });
  return { cache, made };
}

describe("PoolCache", () => {
  it("hands the prestarted pool to the next acquire of its key, and makes no second one", () => {
    const { cache, made } = countingCache();
    cache.prestart("2/512");
    cache.prestart("2/512");
    expect(made).to.deep.equal(["2/512"]);
    const pool = cache.acquire("2/512");
    expect(made).to.have.length(1);
    // The prestarted pool is taken: a second run at once gets a pool of its own.
    expect(cache.acquire("2/512")).not.to.equal(pool);
    expect(made).to.deep.equal(["2/512", "2/512"]);
  });

  it("prestarts nothing while a pool of the key is idle, and keys pools apart", () => {
    const { cache, made } = countingCache();
    const pool = cache.acquire("1");
    cache.release("1", pool);
    cache.prestart("1");
    cache.prestart("4");
    expect(made).to.deep.equal(["1", "4"]);
    expect(cache.acquire("1")).to.equal(pool);
  });
});
