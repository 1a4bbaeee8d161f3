import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/model-semantics.cases.js";

describe("Model semantics: distinct, reshuffle, configureWindowing", () => conformanceCases(cases));
