import { conformanceCases, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/merging-holds.cases.js";

describe("Event time: merging and holds (TestStream transcripts)", () => conformanceCases(cases, {}, { unsupported: STREAMING_UNSUPPORTED }));
