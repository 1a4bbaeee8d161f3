import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/create.cases.js";

describe("Create and Read", () =>
  conformanceCases(cases, {
    readSplitFails: { expectError: /^(?=[\s\S]*ReadNowhere)(?=[\s\S]*no files match \/nowhere\/\*\.txt)/ },
    readFails: { expectError: /^(?=[\s\S]*ReadBroken)(?=[\s\S]*disk on fire while reading split 1)/ },
  }));
