import { conformanceCases, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/deduplicate.cases.js";

describe("deduplicate (state and timers)", () => conformanceCases(cases, {}, { unsupported: STREAMING_UNSUPPORTED }));
