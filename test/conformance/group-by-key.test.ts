import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/group-by-key.cases.js";

describe("GroupByKey, CoGroupByKey, Distinct, Reshuffle", () => conformanceCases(cases));
