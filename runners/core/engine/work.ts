/**
 * The units of work the engine hands to a runner, and what a runner reports back. Payloads are opaque `Ref`s:
 * the direct runner passes arrays in memory, the parallel runners encoded blobs; the engine only counts them
 * and keeps their watermark holds.
 * @module
 */
import type { Instant } from "../../../sdk/model/time.js";
import type { Stage } from "../execution-plan.js";
import type { WindowedValue } from "../receiver.js";

/** Something runnable now, for one stage. */
export type Work<Ref> =
  /** Emit the Impulse's one element through the stage. */
  | { readonly kind: "impulse"; readonly stage: Stage }
  /** Read one split of a bounded source through the stage. */
  | { readonly kind: "read"; readonly stage: Stage; readonly split: unknown }
  /** Run elements the engine read (a TestStream event, an unbounded reader's poll) from the stage's root. */
  | { readonly kind: "elements"; readonly stage: Stage; readonly elements: readonly WindowedValue[]; readonly hold: Instant }
  /** Run a materialised bundle of `pcollection` through a collection-rooted stage. */
  | { readonly kind: "bundle"; readonly stage: Stage; readonly pcollection: string; readonly data: Ref; readonly hold: Instant }
  /** Group one shuffle partition (key group): see {@link GroupWork}. */
  | GroupWork<Ref>;

/**
 * Grouping one key group of a shuffle-rooted stage: tell its grouping side the processing time, then the
 * watermark the records arrived under, add the records, then advance to `watermark` (firing what is due) and run
 * the panes through the stage. `applyGroupWork` does exactly this for every runner.
 */
export interface GroupWork<Ref> {
  readonly kind: "group";
  readonly stage: Stage;
  readonly partition: number;
  /** The stage's input watermark. */
  readonly watermark: Instant;
  /**
   * The input watermark when the records arrived: told before they are added, so records that were already
   * behind it are judged late and do not hold the output watermark (Beam's element-hold rule).
   */
  readonly arrivalWatermark: Instant;
  /** Processing time now (real, or the TestStream's test clock). */
  readonly processingTime: Instant;
  readonly records: readonly Ref[];
}

/** Records a work item wrote into one key group of a shuffle. */
export interface ShuffleOutput<Ref> {
  /** The grouping stage (id) the records are for. */
  readonly stage: string;
  readonly partition: number;
  readonly data: Ref;
  readonly records: number;
  /** The earliest output timestamp these records may produce (their watermark hold). */
  readonly hold: Instant;
  /** Encoded size, where the transport knows it (for statistics). */
  readonly bytes?: number;
}

/** A bundle a work item produced for other stages or side inputs. */
export interface BundleOutput<Ref> {
  readonly pcollection: string;
  readonly data: Ref;
  readonly elements: number;
  readonly minTimestamp: Instant;
}

/** What a key group's grouping side is left with after a group work item. */
export interface GroupOutcome {
  /** Whether the side still has windows with state or timers (it must be grouped again as watermarks move). */
  readonly hasState: boolean;
  /** Its output watermark hold ({@link TIMESTAMP_MAX_VALUE}: none). */
  readonly hold: Instant;
  /** Its earliest processing-time timer (absent: none). */
  readonly nextProcessingTimer?: Instant;
}

/** What a finished work item produced. */
export interface WorkResult<Ref> {
  readonly shuffle: readonly ShuffleOutput<Ref>[];
  readonly bundles: readonly BundleOutput<Ref>[];
  /** Group work only. */
  readonly group?: GroupOutcome;
}
