/**
 * Materialised side inputs: the elements of each PCollection read as a side input, by window, and the view
 * values computed from them (once per view and window).
 * @module
 */
import type { PCollectionView, WindowMappingFn } from "../../sdk/model/view.js";
import type { BoundedWindow } from "../../sdk/model/window.js";
import { GLOBAL_WINDOW } from "../../sdk/model/window.js";
import type { WindowingStrategy } from "../../sdk/model/windowing-strategy.js";
import type { Instant } from "../../sdk/model/time.js";
import type { WindowedValue } from "./receiver.js";
import type { SideInputReader } from "./operators/par-do-operator.js";
import { deepFreeze } from "./immutability.js";
import { DeterministicMap } from "./deterministic-map.js";
import { describeElement } from "./user-code-error.js";

/**
 * The side input window a main input window reads through `view`: its {@link WindowMappingFn}, else the side
 * windowing's default (Beam's `getDefaultWindowMappingFn`): the global window for global windowing, the
 * WindowFn's own `sideInputWindow`, else the earliest-ending of the side windows containing the end of the main
 * window (for sliding windows: the earliest; a main input windowed the same way reads its own window).
 */
export function sideInputWindow(sideWindowing: WindowingStrategy, mainWindow: BoundedWindow, mapping?: WindowMappingFn): BoundedWindow {
  return mapping ? mapping.getSideInputWindow(mainWindow) : defaultSideInputWindow(sideWindowing, mainWindow.maxTimestamp());
}

function defaultSideInputWindow(sideWindowing: WindowingStrategy, mainMaxTimestamp: Instant): BoundedWindow {
  const fn = sideWindowing.windowFn;
  if (fn.description === "GlobalWindows") return GLOBAL_WINDOW;
  if (fn.sideInputWindow) return fn.sideInputWindow(mainMaxTimestamp);
  let first: BoundedWindow | undefined;
  for (const w of fn.assignWindows(mainMaxTimestamp, undefined)) if (!first || w.maxTimestamp() < first.maxTimestamp()) first = w;
  return first ?? GLOBAL_WINDOW;
}

/**
 * The latest a side window read by main windows whose last timestamp is at most `mainMaxTimestamp` may end (its
 * `maxTimestamp`): what the engine waits for before running such main input. A default mapping's side window
 * ends no earlier for a later main window; a custom mapping declares how far past the main window's end its side
 * window may end (`maximumLookahead`).
 */
export function sideInputReadyAt(sideWindowing: WindowingStrategy, mainMaxTimestamp: Instant, mapping?: WindowMappingFn): Instant {
  if (mapping) return mainMaxTimestamp + (mapping.maximumLookahead ?? 0);
  return defaultSideInputWindow(sideWindowing, mainMaxTimestamp).maxTimestamp();
}

export class SideInputStore implements SideInputReader {
  /**
   * Elements by PCollection id, then by window id. Filled as producers' work completes; a window is read only once
   * the producer's watermark has passed its end (the engine holds main input back until then), so no element of it
   * arrives after its view value is computed.
   */
  private readonly elements = new Map<string, Map<string, unknown[]>>();
  /** Computed view values by view, then by window id. */
  private readonly views = new Map<PCollectionView<unknown>, Map<string, unknown>>();

  constructor(private readonly windowingOf: (pcollection: string) => WindowingStrategy) {}

  /** Adds a bundle of a side input PCollection's elements. */
  add(pcollection: string, bundle: readonly WindowedValue[]): void {
    let byWindow = this.elements.get(pcollection);
    if (!byWindow) this.elements.set(pcollection, (byWindow = new Map()));
    for (const e of bundle) {
      let list = byWindow.get(e.window.id);
      if (!list) byWindow.set(e.window.id, (list = []));
      list.push(e.value);
    }
  }

  get<V>(view: PCollectionView<V>, mainWindow: BoundedWindow): V {
    const pc = view.pcollection.id;
    const window = sideInputWindow(this.windowingOf(pc), mainWindow, view.windowMappingFn);
    let cache = this.views.get(view as PCollectionView<unknown>);
    if (!cache) this.views.set(view as PCollectionView<unknown>, (cache = new Map()));
    if (cache.has(window.id)) return cache.get(window.id) as V;
    const value = deepFreeze(computeView(view, this.elements.get(pc)?.get(window.id) ?? []));
    cache.set(window.id, value);
    return value as V;
  }
}

function computeView(view: PCollectionView<unknown>, values: readonly unknown[]): unknown {
  const pc = view.pcollection.id;
  switch (view.kind) {
    case "singleton":
      if (values.length === 1) return values[0];
      if (values.length === 0) {
        if (view.defaultValue) return view.defaultValue.value;
        throw new Error(`singleton side input ${pc} is empty and has no default value (pass { defaultValue } to asSingleton)`);
      }
      throw new Error(`singleton side input ${pc} has ${values.length} elements in one window; it must have exactly one`);
    case "iterable":
      return values.slice();
    case "map": {
      const map = new DeterministicMap<unknown, unknown>();
      for (const e of values) {
        const { key, value } = asKv(e, pc);
        if (!map.add(key, value)) {
          throw new Error(`map side input ${pc} has more than one value for key ${describeElement(key)} (use asMultimap)`);
        }
      }
      return map;
    }
    case "multimap": {
      const map = new DeterministicMap<unknown, unknown[]>();
      for (const e of values) {
        const { key, value } = asKv(e, pc);
        const entry = map.entry(key);
        if (entry) entry[1].push(value);
        else map.add(key, [value]);
      }
      return map;
    }
  }
}

function asKv(e: unknown, pc: string): { key: unknown; value: unknown } {
  if (typeof e !== "object" || e === null || !("key" in e) || !("value" in e)) {
    throw new Error(`map side input ${pc} must contain KV objects ({ key, value })`);
  }
  return e as { key: unknown; value: unknown };
}
