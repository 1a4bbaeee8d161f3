import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/combine.cases.js";

describe("Combine", () => conformanceCases(cases));
