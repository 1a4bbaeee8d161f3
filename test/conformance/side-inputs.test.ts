import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/side-inputs.cases.js";

describe("Side inputs", () =>
  conformanceCases(cases, {
    singletonEmptyWithoutDefault: { expectError: /^(?=[\s\S]*UseSingleton)(?=[\s\S]*empty)(?=[\s\S]*default)/ },
    singletonWithSeveralElements: { expectError: /^(?=[\s\S]*UseSingleton)(?=[\s\S]*2 elements)/ },
    mapSideInputDuplicateKey: { expectError: /^(?=[\s\S]*UseMap)(?=[\s\S]*more than one value for key 'k')/ },
    mapSideInputDuplicateObjectKey: { expectError: /^(?=[\s\S]*UseMap)(?=[\s\S]*more than one value for key \{ (id: 1, kind: 'x'|kind: 'x', id: 1) \})/ },
    sideInputNotDeclared: { expectError: /^(?=[\s\S]*Undeclared)(?=[\s\S]*not passed to this ParDo)/ },
  }));
