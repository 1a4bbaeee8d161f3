import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/flatten.cases.js";

describe("Flatten", () => conformanceCases(cases));
