import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/side-input-windows.cases.js";

describe("Side input window mapping", () =>
  conformanceCases(cases, {
    sessionsSideInputWithoutMapping: { expectError: /asIterable: .*Sessions.*merging windowing.*no default side input window mapping/ },
  }));
