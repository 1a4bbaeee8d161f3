/**
 * `map`, `flatMap` and `filter` steps run as their user function called directly, not through a DoFn and its
 * process context: the same outputs, errors and metrics as {@link ParDoOperator} gives them, with a third of the
 * calls and bookkeeping per element. These steps are most of a typical pipeline's element-wise work (WordCount's
 * per-word cost was half engine before).
 * @module
 */
import type { ParDoNode } from "../../../sdk/graph.js";
import type { TeardownReason } from "../../../sdk/model/dofn.js";
import type { BoundedWindow } from "../../../sdk/model/window.js";
import type { PaneInfo } from "../../../sdk/model/pane.js";
import type { Instant } from "../../../sdk/model/time.js";
import { metricsEnvironment, type MetricsContainer } from "../../../sdk/metrics.js";
import { flatMapNotIterable, wrappedFunction } from "../../../sdk/primitives/element-wise.js";
import type { Receiver } from "../receiver.js";
import { userCodeError } from "../user-code-error.js";
import type { Operator } from "./operator.js";

type ElementFn = (element: unknown) => unknown;

/**
 * The operator for `transform` when it is a plain `map`, `flatMap` or `filter` (its DoFn made by the SDK, no side
 * inputs); `undefined` for any other ParDo, which runs as a {@link ParDoOperator}.
 */
export function elementWiseOperator(transform: ParDoNode, main: Receiver, metrics: MetricsContainer): Operator | undefined {
  const wrapped = wrappedFunction(transform.doFn);
  if (!wrapped || transform.sideInputs.length > 0 || Object.keys(transform.outputs).length !== 1) return undefined;
  const fn = wrapped.fn as ElementFn;
  switch (wrapped.kind) {
    case "map":
      return new MapOperator(transform.fullName, fn, main, metrics);
    case "flatMap":
      return new FlatMapOperator(transform.fullName, fn, main, metrics);
    case "filter":
      return new FilterOperator(transform.fullName, fn, main, metrics);
    default:
      return undefined;
  }
}

/** What the three share: the step, the function, the main output and a lifecycle with nothing to do. */
abstract class ElementWiseOperator implements Operator {
  constructor(
    readonly step: string,
    protected readonly fn: ElementFn,
    protected readonly main: Receiver,
    protected readonly metrics: MetricsContainer,
  ) {}

  abstract receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void;

  /** `fn(value)` with this step's metrics container installed, its failure named after the step. */
  protected call(value: unknown): unknown {
    const previous = metricsEnvironment.current;
    metricsEnvironment.current = this.metrics;
    try {
      return this.fn(value);
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    } finally {
      metricsEnvironment.current = previous;
    }
  }

  async setup(): Promise<void> {}
  async startBundle(): Promise<void> {}
  async finishBundle(): Promise<void> {}
  async teardown(_reason: TeardownReason): Promise<void> {}
}

class MapOperator extends ElementWiseOperator {
  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    this.main.receive(this.call(value), timestamp, window, pane);
  }
}

class FilterOperator extends ElementWiseOperator {
  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    if (this.call(value)) this.main.receive(value, timestamp, window, pane);
  }
}

class FlatMapOperator extends ElementWiseOperator {
  receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    const items = this.call(value);
    if (Array.isArray(items)) {
      for (let i = 0; i < items.length; i++) this.main.receive(items[i], timestamp, window, pane);
      return;
    }
    if (items == null || typeof (items as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw userCodeError(this.step, new TypeError(flatMapNotIterable(items)), { value });
    }
    // A generator runs user code as it is iterated: its failures are this step's, downstream ones pass through.
    const previous = metricsEnvironment.current;
    metricsEnvironment.current = this.metrics;
    try {
      for (const item of items as Iterable<unknown>) {
        metricsEnvironment.current = previous;
        this.main.receive(item, timestamp, window, pane);
        metricsEnvironment.current = this.metrics;
      }
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    } finally {
      metricsEnvironment.current = previous;
    }
  }
}
