import { conformanceCases, type CaseOptions } from "./matrix.js";
import * as cases from "./cases/liveness.cases.js";

/** Every lookahead must match somewhere in the error text. */
function allOf(...parts: RegExp[]): RegExp {
  return new RegExp(`^${parts.map((p) => `(?=[\\s\\S]*${p.source})`).join("")}`);
}

/** A small --taskTimeout, and one attempt so that the process runner does not retry what hangs. */
const timedOut = (expectError: RegExp, unsupported: CaseOptions["unsupported"] = {}): CaseOptions => ({
  expectError,
  unsupported,
  options: { taskTimeout: 1, maxAttempts: 1 },
});

const SYNC_ONLY = /it must be synchronous, since outputs emitted after an await would be lost; do async work in setup, startBundle or finishBundle/;

describe("Liveness (--taskTimeout, no async process)", function () {
  // Each hung case waits for its timeout (1 s, and a pool's grace) and a parallel runner then replaces a worker.
  this.timeout(60_000);
  conformanceCases(cases, {
    setupNeverSettles: timedOut(allOf(/step 'Connect' failed/, /setup did not settle within 1 s \(--taskTimeout\)/), {}),
    finishBundleNeverSettles: timedOut(allOf(/step 'Flush' failed/, /finishBundle did not settle within 1 s \(--taskTimeout\)/)),
    splitNeverSettles: timedOut(allOf(/step 'Stuck' failed/, /split did not settle within 1 s \(--taskTimeout\)/)),
    readNeverSettles: timedOut(allOf(/step 'Stuck' failed/, /read did not settle within 1 s \(--taskTimeout\)/)),
    processNeverReturns: timedOut(
      allOf(/task of step '[^']+' \(fused with .*'Spin'/, /did not finish within 1 s \(--taskTimeout\)/, /presumed hung/),
      {
        direct: "its watchdog kills the looping process itself, so test/runners/direct/watchdog.test.ts runs this in a process of its own",
      },
    ),
    asyncProcess: { expectError: allOf(/^Fetch: DoFn\.process is an async function: /, SYNC_ONLY) },
    asyncMap: { expectError: allOf(/^Lookup: the function given to map is an async function: /, SYNC_ONLY) },
    processReturnsPromise: { expectError: allOf(/step 'Fetch' failed: TypeError: DoFn\.process returned a Promise: /, SYNC_ONLY, /element: 7/) },
  });
});
