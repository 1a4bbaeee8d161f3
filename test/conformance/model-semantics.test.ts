import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/model-semantics.cases.js";

describe("Model semantics: distinct, reshuffle, configureWindowing, flatten", () =>
  conformanceCases(cases, {
    flattenIncompatibleWindowFns: { expectError: /flatten inputs must have compatible windowing: .*FixedWindows\(size=10ms.*FixedWindows\(size=20ms/ },
    flattenIncompatibleTriggers: { expectError: /flatten inputs must have compatible triggers: .*Repeatedly\(AfterCount\(2\)\).*Default\(\)/ },
  }));
