import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/windowed-combines.cases.js";

describe("Per-window grouping and combining", () => conformanceCases(cases));
