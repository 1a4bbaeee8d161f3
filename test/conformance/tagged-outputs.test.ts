import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/tagged-outputs.cases.js";

describe("Tagged outputs and Partition", () =>
  conformanceCases(cases, {
    undeclaredTag: { expectError: /^(?=[\s\S]*WriteUndeclared)(?=[\s\S]*unknown output tag 'other')/ },
    partitionOutOfRange: {
      expectError: /^(?=[\s\S]*Partition)(?=[\s\S]*returned 7; it must be an integer in \[0, 3\))(?=[\s\S]*element: 7)/,
    },
  }));
