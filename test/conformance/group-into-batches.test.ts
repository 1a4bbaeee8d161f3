import { conformanceCases, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/group-into-batches.cases.js";

describe("groupIntoBatches (state and timers)", () => conformanceCases(cases, {}, { unsupported: STREAMING_UNSUPPORTED }));
