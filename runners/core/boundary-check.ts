/**
 * The direct runner's encodability enforcement: where an element would leave a worker on the parallel runners
 * (into a shuffle, into a materialised bundle or a side input), it is checked as their codec would encode it, so
 * an element that cannot cross fails on the direct runner too, with the same message (`runners/shared/codec.ts`
 * does the encoding there). A PCollection with its own coder is round-tripped through it, as Beam's direct
 * runner clones elements through their coders: the consumer sees what the coder gave back.
 * @module
 */
import type { PipelineGraph } from "../../sdk/graph.js";
import type { Coder } from "../../sdk/model/coder.js";
import { kv } from "../../sdk/model/kv.js";
import type { PaneInfo } from "../../sdk/model/pane.js";
import type { Instant } from "../../sdk/model/time.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import type { WindowFn } from "../../sdk/model/window-fn.js";
import { encodeWindowData } from "../../sdk/model/window-coder.js";
import { deepFreeze } from "./immutability.js";
import { checkEncodable, NotEncodableError, Scan, scanValue, whyNotEncodable } from "./encodability.js";
import type { ShuffleSpec } from "./execution-plan.js";
import { BundleBuffer } from "./receiver.js";
import type { ShuffleWriter } from "./shuffle.js";
import { userCodeError } from "./user-code-error.js";

/** Checks windows with a WindowFn's coder, remembering the last window that passed. */
class WindowCheck {
  private last: BoundedWindow | undefined;
  constructor(private readonly windowFn: WindowFn) {}

  /** Throws what encoding `window` would throw. */
  check(window: BoundedWindow): void {
    if (window === this.last) return;
    encodeWindowData(window, this.windowFn);
    this.last = window;
  }
}

/** Round-trips a value through a coder. */
function roundTrip(coder: Coder<unknown>, value: unknown): unknown {
  return coder.decode(coder.encode(value));
}

/**
 * A bundle buffer that checks every element it takes: its window with the PCollection's window coder, its value
 * with the PCollection's coder (round-tripped) or as the default coder would encode it.
 */
export class CheckingBundleBuffer extends BundleBuffer {
  private readonly windows: WindowCheck;
  private readonly step: string;
  private readonly coder: Coder<unknown> | undefined;

  constructor(
    graph: PipelineGraph,
    private readonly pcollection: string,
  ) {
    super();
    const node = graph.pcollections.get(pcollection)!;
    this.windows = new WindowCheck(node.windowing.windowFn);
    this.step = node.producer;
    this.coder = node.coder;
  }

  override receive(value: unknown, timestamp: Instant, window: BoundedWindow, pane: PaneInfo): void {
    let checked = value;
    try {
      this.windows.check(window);
      // What the coder gives back is frozen as the original was (the round trip is the direct runner's check).
      if (this.coder) checked = deepFreeze(roundTrip(this.coder, value));
      else checkEncodable(value, this.pcollection);
    } catch (e) {
      throw userCodeError(this.step, e, { value });
    }
    super.receive(checked, timestamp, window, pane);
  }
}

/**
 * Wraps a shuffle writer so that every record is checked as the parallel runners' shuffle would encode it: the
 * window with the input's window coder; the whole KV with the input's coder (round-tripped), or key and value
 * (accumulator, for a lifted combine) as the default coder would.
 */
export function checkingShuffleWriter(writer: ShuffleWriter, shuffle: ShuffleSpec, graph: PipelineGraph): ShuffleWriter {
  const input = graph.pcollections.get(shuffle.input)!;
  const lifted = shuffle.combineFn !== undefined;
  const step = lifted ? shuffle.step : input.producer;
  const what = lifted ? `the accumulators of ${shuffle.step}` : shuffle.input;
  const coder = lifted ? undefined : input.coder;
  const windows = new WindowCheck(shuffle.windowing.windowFn);
  return {
    write(key, window, timestamp, value, element) {
      let back: { key: unknown; value: unknown } | undefined;
      try {
        windows.check(window);
        if (coder) {
          back = deepFreeze(roundTrip(coder, element)) as { key: unknown; value: unknown };
        } else if ((typeof key !== "string" && scanValue(key) === Scan.Refused) || scanValue(value) === Scan.Refused) {
          // The reason's path is the KV's, as the element was written.
          throw new NotEncodableError(whyNotEncodable(kv(key, value)) ?? "a value msgpack cannot encode", what);
        }
      } catch (e) {
        throw userCodeError(step, e, { value: coder ? element : kv(key, value) });
      }
      if (back) writer.write(back.key, window, timestamp, back.value, back);
      else writer.write(key, window, timestamp, value, element);
    },
    commit: () => writer.commit(),
  };
}
