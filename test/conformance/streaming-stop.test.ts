import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/streaming-stop.cases.js";

describe("Stopping an endless run (--maxDuration, --drain)", () => {
  describe("drained", () => conformanceCases(cases, { drainedEndlessCount: { options: { maxDuration: 0.5, drain: true } } }));
  describe("not drained", () =>
    conformanceCases(cases, {
      drainedEndlessCount: { options: { maxDuration: 0.3 }, expectError: /^stopped by --maxDuration \(0\.3 s\); run with --drain to fire open windows/ },
    }));
});
