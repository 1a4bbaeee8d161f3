import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/unbounded.cases.js";

import { STREAMING_UNSUPPORTED as unsupported } from "./matrix.js";

describe("Unbounded sources", () => {
  describe("generateSequence", () =>
    conformanceCases(
      {
        generateSequenceFixedWindowCounts: cases.generateSequenceFixedWindowCounts,
        generateSequenceWallClockWithRate: cases.generateSequenceWallClockWithRate,
        generateSequenceExactCounts: cases.generateSequenceExactCounts,
        generateSequenceExactCountsEarlyLate: cases.generateSequenceExactCountsEarlyLate,
      },
      { generateSequenceFixedWindowCounts: { unsupported }, generateSequenceWallClockWithRate: { unsupported } },
    ));

  describe("readTextStream", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-text-stream-"));
    const timers: NodeJS.Timeout[] = [];
    // Each run starts from the initial files and sees the late writes happen while it goes.
    beforeEach(() => {
      fs.rmSync(path.join(dir, "in"), { recursive: true, force: true });
      for (const [name, content] of Object.entries(cases.initialFiles())) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), content);
      }
      for (const w of cases.LATE_WRITES) timers.push(setTimeout(() => fs.appendFileSync(path.join(dir, w.file), w.append), w.delayMs));
    });
    afterEach(() => {
      for (const t of timers.splice(0)) clearTimeout(t);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    conformanceCases(
      { readTextStreamLines: cases.readTextStreamLines, readTextStreamWindowedCounts: cases.readTextStreamWindowedCounts },
      { readTextStreamLines: { unsupported, options: { dir } }, readTextStreamWindowedCounts: { unsupported, options: { dir } } },
    );
  });
});
