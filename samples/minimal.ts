/**
 * The shortest useful pipeline: count the distinct words in a few sentences and print them.
 *
 *   npx tsx samples/minimal.ts
 */
import { definePipeline } from "../sdk/index.js";
import { create, countPerElement } from "../transforms/index.js";

export default definePipeline(import.meta, {
  build(p) {
    p.apply(create(["to be or not to be", "that is the question"]))
      .flatMap((line) => line.split(" "))
      .apply(countPerElement())
      .map(({ key, value }) => console.log(`${key}: ${value}`));
  },
});
