/**
 * WordCount on Apache Beam's TypeScript SDK (direct runner), the same job as samples/wordcount.ts: words are runs
 * of letters and apostrophes, lower-cased; `word: count` lines written to one file. Beam's text IO is a
 * cross-language transform (it needs a Java or Python expansion service), so the file is read and written by
 * DoFns of our own, as a user without those services would.
 *
 *   node dist/wordcount.js <input> <output>
 */
import * as fs from "fs";
import * as beam from "apache-beam";
import { requireForSerialization } from "apache-beam/serialization";

// Beam serializes every closure with what it captures: `fs`, which the DoFns use, is registered with its
// serializer as a module (passed explicitly: with no values, requireForSerialization of 2.49 registers nothing).
requireForSerialization("fs", fs);

// Not destructured: the closure transform mishandles top-level destructuring.
const input = process.argv[2];
const output = process.argv[3];
if (!input || !output) throw new Error("usage: wordcount.js <input> <output>");

/** Buffers the formatted lines of a bundle and writes them when it ends. */
function writeLines(path: string): beam.DoFn<string, never, undefined> {
  let lines: string[] = [];
  return {
    // Function expressions, not method shorthand: Beam's serializer cannot read methods back.
    process: function (line: string) {
      lines.push(line);
      return undefined;
    },
    finishBundle: function () {
      fs.appendFileSync(path, lines.length > 0 ? lines.join("\n") + "\n" : "");
      lines = [];
      return undefined;
    },
  };
}

async function main(): Promise<void> {
  fs.writeFileSync(output!, "");
  await beam.createRunner({ runner: "direct" }).run((root: beam.Root) => {
    root
      .apply(beam.impulse())
      .flatMap(beam.withName("ReadLines", (_: Uint8Array) => fs.readFileSync(input!, "utf8").split("\n")))
      .flatMap(beam.withName("ExtractWords", (line: string) => (line.match(/[A-Za-z']+/g) ?? []).map((w) => w.toLowerCase())))
      .apply(beam.countPerElement())
      .map(beam.withName("Format", ({ element, count }: { element: string; count: number }) => `${element}: ${count}`))
      .apply(beam.withName("WriteCounts", beam.parDo(writeLines(output!))));
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
