/**
 * The direct runner's order check: wherever the model leaves an order unspecified, pick one at random (seeded by
 * `--orderSeed`, so a failure reproduces), so that a pipeline relying on the order it happens to get fails here
 * instead of on another runner. Three places: which runnable split or bundle runs next (the engine's
 * {@link SchedulerOptions.pick}), the order of the values in a group, and the order of the panes a grouping side
 * emits in one call (`checked-grouping-side.ts`). Like Beam's DirectRunner, which runs bundles and keys in
 * arbitrary order; nothing here is in `runners/core`.
 * @module
 */
import type { SchedulerOptions } from "../core/engine/job-scheduler.js";
import type { WindowedValue } from "../core/receiver.js";
import { encodeKey } from "../core/key-encoding.js";

/**
 * The engine's pick function for the order check: any of the runnable items, uniformly.
 * @example
 * new JobScheduler(plan, graph, { ...options, pick: randomPick(seededRandom(7)) });
 */
export function randomPick(random: () => number): NonNullable<SchedulerOptions<unknown>["pick"]> {
  return (count) => Math.floor(random() * count);
}

/**
 * Fisher–Yates, in place.
 * @example
 * shuffleInPlace([1, 2, 3], seededRandom(1)); // e.g. [3, 1, 2]
 */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/**
 * A uniformly random interleaving of panes (`KV`s) emitted together, keeping the order of the panes of each key
 * and window: the model orders a window's panes (EARLY before ON_TIME before LATE, by index), and nothing else.
 * @example
 * interleavePanes(emitted, seededRandom(3)); // the panes of different keys and windows in a shuffled order
 */
export function interleavePanes(panes: readonly WindowedValue[], random: () => number): WindowedValue[] {
  if (panes.length < 2) return [...panes];
  const lanes = new Map<string, WindowedValue[]>();
  const order: WindowedValue[][] = [];
  for (const p of panes) {
    const id = `${p.window.id}\u0000${encodeKey((p.value as { key: unknown }).key)}`;
    let lane = lanes.get(id);
    if (!lane) lanes.set(id, (lane = []));
    lane.push(p);
    order.push(lane);
  }
  // Each pane stands for its lane once; shuffling those stand-ins and taking each lane's next pane in their order
  // gives every interleaving of the lanes with equal chance.
  shuffleInPlace(order, random);
  const next = new Map<WindowedValue[], number>();
  return order.map((lane) => {
    const i = next.get(lane) ?? 0;
    next.set(lane, i + 1);
    return lane[i]!;
  });
}
