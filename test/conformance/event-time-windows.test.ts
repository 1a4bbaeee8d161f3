import { conformanceCases, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/event-time-windows.cases.js";

describe("Event time: window types, timestamp combiners and windowed combines (TestStream transcripts)", () =>
  conformanceCases(cases, {}, { unsupported: STREAMING_UNSUPPORTED }));
