import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/combine-with-context.cases.js";

describe("CombineFnWithContext: combines with side inputs", () =>
  conformanceCases(cases, {
    combineReadsUnlistedSideInput: {
      expectError: /^(?=[\s\S]*SumAbove\/Combine)(?=[\s\S]*was not passed to this ParDo \(list it in sideInputs\))/,
    },
  }));
