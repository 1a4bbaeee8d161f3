/**
 * Side inputs and tagged outputs: flags words that are unusually long for their text, and routes stop words to
 * an output of their own.
 *
 *   npx tsx samples/side-inputs.ts --input 'samples/data/*.txt' --output out/side-inputs
 *
 * - The mean word length is computed by a global combine and read by every element as a singleton side input.
 * - The stop words are a small PCollection read as an iterable side input.
 * - One ParDo writes to three outputs: long words, ordinary words, stop words.
 */
import { asIterable, asSingleton, definePipeline, parDoWithOutputs, type DoFn } from "../sdk/index.js";
import { create, countGlobally, countPerElement, meanGlobally, readText, writeText } from "../transforms/index.js";

const STOP_WORDS = ["a", "an", "and", "the", "of", "to", "in", "that", "is", "it", "we", "this"];

export default definePipeline(import.meta, {
  description: "Splits words into long, ordinary and stop words using side inputs and tagged outputs.",
  options: {
    input: { type: "string", default: "samples/data/*.txt", describe: "Files to read" },
    output: { type: "string", default: "out/side-inputs", describe: "Output directory prefix" },
  },
  build(p, { input, output }) {
    const words = p
      .apply("ReadLines", readText(input))
      .flatMap((line) => (line.match(/[A-Za-z']+/g) ?? []).map((w) => w.toLowerCase()), "ExtractWords");
    const meanLength = asSingleton(words.map((w) => w.length, "Lengths").apply("MeanLength", meanGlobally()));
    const stopWords = asIterable(p.apply("StopWords", create(STOP_WORDS)));

    const classify: DoFn<string, string, { long: string; stop: string }> = {
      process(word, ctx) {
        if (ctx.sideInput(stopWords).includes(word)) ctx.outputTo("stop", word);
        else if (word.length > 2 * ctx.sideInput(meanLength)) ctx.outputTo("long", word);
        else ctx.output(word);
      },
    };
    const { main, long, stop } = words.apply("Classify", parDoWithOutputs(classify, ["long", "stop"], [meanLength, stopWords]));

    long.apply("CountLong", countPerElement()).map(({ key, value }) => `${key}: ${value}`, "FormatLong")
      .apply("WriteLong", writeText(`${output}/long-words`));
    stop.apply("CountStop", countGlobally()).map((n) => `stop words: ${n}`, "FormatStop")
      .apply("WriteStop", writeText(`${output}/stop-word-count`));
    main.apply("CountOrdinary", countGlobally()).map((n) => `ordinary words: ${n}`, "FormatOrdinary")
      .apply("WriteOrdinary", writeText(`${output}/ordinary-word-count`));
  },
});
