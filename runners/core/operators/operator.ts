/**
 * The interface every operator of a fused stage implements: a receiver with a bundle lifecycle.
 * @module
 */
import type { TeardownReason } from "../../../sdk/model/dofn.js";
import type { Receiver } from "../receiver.js";

/** One step of a fused stage. `startBundle` and `finishBundle` run in topological order around each bundle. */
export interface Operator extends Receiver {
  /** Full name of the step (for errors and metrics). */
  readonly step: string;
  setup(): Promise<void>;
  startBundle(): Promise<void>;
  finishBundle(): Promise<void>;
  /**
   * Releases user resources; called once, after success or failure, and must not throw. `reason` is passed to
   * the DoFn: `"discarded"` after a failed bundle while the run goes on, `"end-of-run"` when the run is over.
   */
  teardown(reason: TeardownReason): Promise<void>;
}
