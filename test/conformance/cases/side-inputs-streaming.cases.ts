/**
 * Side inputs on a stream: a main input element waits only until its side input is ready for the window it maps
 * to, not for the end of the stream. The join writes a marker file as soon as it joins its first element, which
 * the test looks for while the run is still going.
 */
import fs from "node:fs";
import path from "node:path";
import { asSingleton, definePipeline, FixedWindows, windowInto, type ProcessContext } from "../../../sdk/index.js";
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
