/**
 * The direct runner's model checks on a grouping side, as a decorator of the core's {@link GroupingSide}: the
 * drivers (`runners/core/group-also-by-window.ts`, `reduce-fn-runner.ts`) know nothing of them.
 *
 * ```
 *   runner ──advance*(t, out)──► CheckedGroupingSide ──advance*(t, check)──► GroupingSide (core driver)
 *                                     │                                           │
 *   out ◄── panes, shuffled ◄── check: shuffle the values of a group,  ◄── panes ─┘
 *            (--orderSeed)             deep-freeze the pane (--enforceImmutability)
 * ```
 * - **Immutability** (`freeze`): each emitted pane is deep-frozen as the driver hands it over (synchronously, so
 *   a driver that keeps an accumulator for later panes sees it frozen at once and continues from a copy).
 * - **Order** (`random`): the values of each group are shuffled (not a lifted combine's output, which is one
 *   value), and the panes emitted by one call are passed on in a random interleaving that keeps the order of each
 *   key and window's panes (`interleavePanes`). Drivers emit keys in the order of their store and due windows in
 *   timer order; within one call that order is the model's to choose, so a pipeline relying on it fails here.
 * With neither check the side is returned as it is, so nothing is added per element or per pane.
 * @module
 */
import type { Instant } from "../../sdk/model/time.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { PaneInfo } from "../../sdk/model/pane.js";
import type { GroupingSide } from "../core/grouping-side.js";
import type { Receiver, WindowedValue } from "../core/receiver.js";
import { deepFreeze } from "../core/immutability.js";
import { interleavePanes, shuffleInPlace } from "./order-shuffling.js";

/** Which checks a grouping side gets. */
export interface GroupingChecks {
  /** Deep-freeze emitted panes (`--enforceImmutability`). */
  readonly freeze: boolean;
  /** Shuffle values and the panes of one call with this (`--orderSeed`); absent: keep the driver's order. */
  readonly random?: (() => number) | undefined;
  /** The side is a lifted combine's: a pane's value is the combine's output, not a list of values. */
  readonly combine: boolean;
}

/**
 * `side` with the checks (or `side` itself when there are none).
 * @example
 * const side = checkedGroupingSide(createGroupingSide(spec), { freeze: true, random: seededRandom(7), combine: false });
 */
export function checkedGroupingSide(side: GroupingSide, checks: GroupingChecks): GroupingSide {
  return checks.freeze || checks.random ? new CheckedGroupingSide(side, checks) : side;
}

class CheckedGroupingSide implements GroupingSide {
  /** Panes of the running call, when shuffling. */
  private panes: WindowedValue[] = [];
  /** Where the running call's panes go: `out` when not shuffling. */
  private target: Receiver | undefined;
  private readonly check: Receiver;
  private readonly random: (() => number) | undefined;

  constructor(
    private readonly inner: GroupingSide,
    checks: GroupingChecks,
  ) {
    const { freeze, random, combine } = checks;
    const shuffleValues = random !== undefined && !combine;
    this.check = {
      receive: (value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void => {
        if (shuffleValues) {
          const values = (value as { value: unknown }).value;
          if (Array.isArray(values)) shuffleInPlace(values, random);
        }
        if (freeze) deepFreeze(value);
        if (random) this.panes.push({ value, timestamp, window, pane });
        else this.target!.receive(value, timestamp, window, pane);
      },
    };
    this.random = random;
  }

  add(key: unknown, window: BoundedWindow, timestamp: Instant, value: unknown): void {
    this.inner.add(key, window, timestamp, value);
  }

  advanceInputWatermark(watermark: Instant, out: Receiver): number {
    return this.checked(out, () => this.inner.advanceInputWatermark(watermark, this.check));
  }

  advanceProcessingTime(now: Instant, out: Receiver): number {
    return this.checked(out, () => this.inner.advanceProcessingTime(now, this.check));
  }

  nextProcessingTimer(): Instant | undefined {
    return this.inner.nextProcessingTimer();
  }

  hold(): Instant {
    return this.inner.hold();
  }

  get hasPending(): boolean {
    return this.inner.hasPending;
  }

  get droppedLate(): number {
    return this.inner.droppedLate;
  }

  get droppedClosedWindow(): number {
    return this.inner.droppedClosedWindow;
  }

  snapshot(): unknown {
    return this.inner.snapshot();
  }

  /** Runs one emitting call of the driver, then passes its panes on (shuffled, when shuffling). */
  private checked(out: Receiver, call: () => number): number {
    this.target = out;
    this.panes = [];
    let emitted: number;
    try {
      emitted = call();
    } finally {
      this.target = undefined;
    }
    if (this.random) {
      const panes = interleavePanes(this.panes, this.random);
      this.panes = [];
      for (const p of panes) out.receive(p.value, p.timestamp, p.window, p.pane);
    }
    return emitted;
  }
}
