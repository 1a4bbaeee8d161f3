import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { matrixRunners } from "./matrix.js";
import { laggingSideInputBackPressure, streamingSideInputJoin } from "./cases/side-inputs-streaming.cases.js";
import { MAX_WAITING_FOR_SIDE_INPUTS } from "../../runners/core/engine/job-scheduler.js";

/** When the measured run drains (every window is then ready, so the join would emit even if it waited for the end). */
const DRAIN_AFTER_S = 5;

describe("Side inputs on a stream", () => {
  for (const runner of matrixRunners()) {
    it(`a windowed join by side input emits while the stream runs, not at the drain [${runner}]`, async function () {
      this.timeout(30_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-side-stream-"));
      try {
        // Workers start first (a cold worker compiles the pipeline): the run to measure starts on warm ones.
        await streamingSideInputJoin.run({ runner, dir, maxDuration: 0.5, drain: true, quiet: true });
        fs.rmSync(path.join(dir, "joined"), { force: true });
        const started = Date.now();
        let finishedAt: number | undefined;
        const run = streamingSideInputJoin.run({ runner, dir, maxDuration: DRAIN_AFTER_S, drain: true, quiet: true }).finally(() => {
          finishedAt = Date.now();
        });
        const marker = path.join(dir, "joined");
        let joinedAt: number | undefined;
        while (finishedAt === undefined && joinedAt === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          if (fs.existsSync(marker)) joinedAt = Date.now();
        }
        await run;
        expect(joinedAt, "the join emitted before the run ended").to.not.equal(undefined);
        // The first 100 ms window is ready once the watermark passes it: well before the drain.
        expect(joinedAt! - started, "ms until the first join").to.be.lessThan(DRAIN_AFTER_S * 1000 - 1500);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  for (const runner of matrixRunners()) {
    const title = `main input held back for a lagging side input stays bounded: its unbounded source is paused [${runner}]`;
    it(title, async function () {
      this.timeout(30_000);
      const result = await laggingSideInputBackPressure.run({ runner, maxDuration: 4, drain: true, quiet: true });
      const join = result.stats!.stages.find((s) => s.steps.some((step) => step.endsWith("Join")))!;
      // Over budget by at most one poll of each reader (4096 elements a poll, at most one reader per core).
      expect(join.peakWaitingForSideInputs, "elements held back at once").to.be.at.most(MAX_WAITING_FOR_SIDE_INPUTS + 4096 * 8);
      // It did wait (the check above is not vacuous) and it did go on reading.
      expect(join.peakWaitingForSideInputs, "elements held back at once").to.be.greaterThan(1000);
      expect(join.elementsIn, "elements joined").to.be.greaterThan(1000);
    });
  }
});
