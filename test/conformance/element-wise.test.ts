import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/element-wise.cases.js";

describe("Element-wise transforms", () => conformanceCases(cases));
