/**
 * `groupIntoBatches` (a stateful DoFn): batches by size per key and window, flushed at the end of the window and,
 * with `maxBufferingMs`, by a processing-time timer (Beam's GroupIntoBatchesTest, in facts).
 */
import { definePipeline, FixedWindows, kv, windowInto, END_OF_GLOBAL_WINDOW, type KV } from "../../../sdk/index.js";
import { create, generateSequence, groupIntoBatches } from "../../../transforms/index.js";
import { assertThat, testStream } from "../../../sdk/testing/index.js";
import { at } from "./event-time-support.js";
import { byNumber } from "./support.js";

/** Batches of at most 3 per key: every value once, the sizes as full as possible. */
export const batchesBySize = definePipeline(import.meta, {
  name: "batchesBySize",
  build(p) {
    const input = p.apply(create([1, 2, 3, 4, 5, 6, 7].map((v) => kv("a", v)).concat([kv("b", 8), kv("b", 9)])));
    const batches = input.apply(groupIntoBatches<string, number>(3));
    assertThat(batches.map((b) => `${b.key}:${b.value.length}`, "Sizes")).containsInAnyOrder("a:3", "a:3", "a:1", "b:2");
    assertThat(batches.flatMap((b) => b.value.map((v) => kv(b.key, v)), "Values")).containsInAnyOrder(
      ...[1, 2, 3, 4, 5, 6, 7].map((v) => kv("a", v)),
      kv("b", 8),
      kv("b", 9),
    );
  },
});

/** Batches never span windows: what is left in a window is flushed at its end, at its end's timestamp. */
export const batchesPerWindow = definePipeline(import.meta, {
  name: "batchesPerWindow",
  build(p) {
    const events = p.apply(testStream<KV<string, number>>().addElements(at(1), at(2), at(11)).advanceWatermarkToInfinity());
    const batches = events.apply(windowInto<KV<string, number>>(new FixedWindows(10))).apply(groupIntoBatches<string, number>(5));
    const described = batches.parDo<string>({
      process(b, ctx) {
        ctx.output(`${b.key} [${[...b.value].sort(byNumber).join(",")}]@${ctx.timestamp} in ${ctx.window.id}`);
      },
    });
    assertThat(described).containsInAnyOrder("k [1,2]@9 in 0:10", "k [11]@19 in 10:20");
  },
});

/** maxBufferingMs: a batch that is not full goes once its first value has waited that long (processing time). */
export const batchesWithMaxBuffering = definePipeline(import.meta, {
  name: "batchesWithMaxBuffering",
  build(p) {
    const events = p.apply(
      testStream<KV<string, number>>()
        .addElements(at(1)) // processing time 0: the buffering timer is due at 10
        .addElements(at(2))
        .advanceProcessingTime(11) // [1, 2], at the first value's timestamp
        .addElements(at(3))
        .addElements(at(4))
        .addElements(at(5)) // full: [3, 4, 5] at once, at 5; its buffering timer is cleared
        .addElements(at(6))
        .advanceWatermarkToInfinity(), // [6] at the end of the global window
    );
    const batches = events.apply(groupIntoBatches<string, number>(3, { maxBufferingMs: 10 }));
    const described = batches.parDo<string>({
      process(b, ctx) {
        ctx.output(`[${b.value.join(",")}]@${ctx.timestamp === END_OF_GLOBAL_WINDOW ? "EOGW" : ctx.timestamp}`);
      },
    });
    assertThat(described).containsInAnyOrder("[1,2]@1", "[3,4,5]@5", "[6]@EOGW");
  },
});

/**
 * On the real clock: numbers arriving at 20 a second for three seconds from an unbounded source are batched by a
 * 100 ms buffering limit long before a batch of 1000 fills, so the processing-time timers wake the run without any
 * TestStream. (The source starts counting before a parallel runner's workers are up, so its first poll may bring
 * a second's worth at once; the rest still comes over two seconds.)
 */
export const batchesOnTheRealClock = definePipeline(import.meta, {
  name: "batchesOnTheRealClock",
  build(p) {
    const batches = p
      .apply(generateSequence({ to: 60, rate: 20 }))
      .map((n) => kv("k", n), "Key")
      .apply(groupIntoBatches<string, number>(1000, { maxBufferingMs: 100 }));
    assertThat(batches.map((b) => b.value.length, "Sizes")).satisfies((sizes) => sizes.length >= 2 && sizes.reduce((a, b) => a + b, 0) === 60);
    assertThat(batches.flatMap((b) => b.value, "Values")).containsInAnyOrder(...Array.from({ length: 60 }, (_, i) => i));
  },
});
