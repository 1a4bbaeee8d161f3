/**
 * Receivers: how elements move inside a fused stage. An element travels as four arguments (value, timestamp,
 * window, pane) through plain method calls, so the hot path allocates nothing per element beyond what user code
 * allocates. Between stages, elements travel as {@link WindowedValue} objects in bundles.
 * @module
 */
import type { Instant } from "../../sdk/model/time.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { PaneInfo } from "../../sdk/model/pane.js";

/** Takes one element in one window. */
export interface Receiver {
  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void;
}

/** An element with its event-time metadata, as it travels between stages. */
export interface WindowedValue {
  readonly value: unknown;
  readonly timestamp: Instant;
  readonly window: BoundedWindow;
  readonly pane: PaneInfo;
}

/**
 * The producing end of a PCollection inside a stage: counts elements (the per-edge counts of the pipeline
 * result) and hands each to every consumer.
 */
export class PCollectionOutput implements Receiver {
  /** Elements received since the stage executor was created. */
  count = 0;
  private readonly targets: Receiver[] = [];

  constructor(readonly pcollection: string) {}

  addTarget(target: Receiver): void {
    this.targets.push(target);
  }

  /** Adds a consumer that sees each element before the others (a runner's check on the edge). */
  addFirstTarget(target: Receiver): void {
    this.targets.unshift(target);
  }

  /** The consumers, for wiring decisions. */
  get consumers(): readonly Receiver[] {
    return this.targets;
  }

  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    this.count++;
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) targets[i]!.receive(value, timestamp, window, pane);
  }
}

/** Collects elements into a bundle for another stage or a side input. */
export class BundleBuffer implements Receiver {
  elements: WindowedValue[] = [];

  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    this.elements.push({ value, timestamp, window, pane });
  }

  /** The buffered elements, leaving the buffer empty. */
  take(): WindowedValue[] {
    const out = this.elements;
    this.elements = [];
    return out;
  }
}

/**
 * A bundle's watermark bounds: its earliest timestamp (its hold while it waits) and the latest end of its
 * elements' windows (how far side inputs must be ready before it runs).
 */
export function bundleBounds(elements: readonly WindowedValue[]): { minTimestamp: number; maxWindowEnd: number } {
  let minTimestamp = Infinity;
  let maxWindowEnd = -Infinity;
  let window: WindowedValue["window"] | undefined;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e.timestamp < minTimestamp) minTimestamp = e.timestamp;
    if (e.window !== window) {
      window = e.window;
      const end = window.maxTimestamp();
      if (end > maxWindowEnd) maxWindowEnd = end;
    }
  }
  return { minTimestamp, maxWindowEnd };
}
