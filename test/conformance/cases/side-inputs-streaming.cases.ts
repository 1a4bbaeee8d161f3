/**
 * Side inputs on a stream: a main input element waits only until its side input is ready for the window it maps
 * to, not for the end of the stream. The join writes a marker file as soon as it joins its first element, which
 * the test looks for while the run is still going.
 */
import fs from "node:fs";
import path from "node:path";
import { asIterable, asSingleton, definePipeline, FixedWindows, windowInto, type ProcessContext } from "../../../sdk/index.js";
import { generateSequence, sumGlobally } from "../../../transforms/index.js";

export const streamingSideInputJoin = definePipeline(import.meta, {
  name: "streamingSideInputJoin",
  options: { dir: { type: "string", demandOption: true, describe: "Where the join writes its marker" } },
  build(p, { dir }) {
    const numbers = p.apply(generateSequence({ rate: 2000 })).apply(windowInto(new FixedWindows(100)));
    const windowSums = asSingleton(numbers.apply("WindowSum", sumGlobally({ withoutDefaults: true })));
    const marker = path.join(dir, "joined");
    numbers.parDo(
      {
        process(n: number, ctx: ProcessContext<string>) {
          const sum = ctx.sideInput(windowSums);
          if (!fs.existsSync(marker)) fs.writeFileSync(marker, `${n} of ${sum}\n`);
          ctx.output(`${n}/${sum}`);
        },
      },
      { sideInputs: [windowSums] },
    );
  },
});

/**
 * A fast stream whose side input lags: each main window waits up to 3 s for its side window to complete, while
 * the main source reads hundreds of thousands of elements a second. The stage's held-back elements stay bounded.
 */
export const laggingSideInputBackPressure = definePipeline(import.meta, {
  name: "laggingSideInputBackPressure",
  build(p) {
    const slow = p.apply("Slow", generateSequence({ rate: 20, timestampFn: () => Date.now() })).apply("SlowWindows", windowInto(new FixedWindows(3000)));
    const ticks = asIterable(slow);
    const fast = p.apply("Fast", generateSequence({ timestampFn: () => Date.now() })).apply("FastWindows", windowInto(new FixedWindows(3000)));
    fast.parDo(
      {
        process(n: number, ctx: ProcessContext<number>) {
          ctx.output(n + ctx.sideInput(ticks).length);
        },
      },
      { sideInputs: [ticks], name: "Join" },
    );
  },
});
