import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/window-types.cases.js";

describe("Typed windows in user code", () => conformanceCases(cases));
