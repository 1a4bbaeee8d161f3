import { conformanceCases, STREAMING_UNSUPPORTED } from "./matrix.js";
import * as cases from "./cases/state-timers.cases.js";

describe("State and timers (stateful DoFns)", () =>
  conformanceCases(
    cases,
    {
      statefulInMergingWindowsRefused: { expectError: /state and timers are not supported in merging windows \(Sessions/ },
      eventTimerAfterExpiryFails: { expectError: /Stateful[\s\S]*timer 't': an event-time timer at .* would fire after its window expires/ },
      storingAClassInstanceFails: { expectError: /Stateful[\s\S]*state 'box': cannot store an instance of class Box[\s\S]*state must be plain data/ },
      statefulNeedsKvInput: { expectError: /Stateful[\s\S]*a stateful DoFn's input must be KV objects/ },
      statefulUnknownTagFails: { expectError: /Stateful[\s\S]*unknown output tag 'unknown'; declared tags: main, known/ },
      timerOutputBeforeElementFails: { expectError: /Stateful[\s\S]*timer 't': output timestamp .* is earlier than the timestamp of the current element/ },
    },
    { unsupported: STREAMING_UNSUPPORTED },
  ));
