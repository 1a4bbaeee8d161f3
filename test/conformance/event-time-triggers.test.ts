import { conformanceCases, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/event-time-triggers.cases.js";

describe("Event time: triggers, panes and accumulation (TestStream transcripts)", () => conformanceCases(cases, {}, { unsupported: STREAMING_UNSUPPORTED }));
