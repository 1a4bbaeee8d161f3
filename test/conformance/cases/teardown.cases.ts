/**
 * Teardown reasons: a DoFn that records, in the directory given by `dir`, why each instance was torn down (one
 * file per teardown, named by the reason), and optionally fails its first bundle on a parallel runner's retry.
 */
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { definePipeline, type DoFn, type ProcessContext, type TeardownContext } from "../../../sdk/index.js";
import { create } from "../../../transforms/index.js";

/** Records its instance's teardown reason as `<dir>/teardown-<reason>-<uuid>`. */
class RecordingFn implements DoFn<number, number> {
  constructor(
    private readonly dir: string,
    private readonly failOnce: boolean,
  ) {}

  setup(): void {}

  process(x: number, ctx: ProcessContext<number>): void {
    const marker = path.join(this.dir, "failed-once");
    if (this.failOnce && !fs.existsSync(marker)) {
      fs.writeFileSync(marker, "");
      throw new Error("first bundle fails");
    }
    ctx.output(x);
  }

  teardown({ reason }: TeardownContext): void {
    fs.writeFileSync(path.join(this.dir, `teardown-${reason}-${randomUUID()}`), "");
  }
}

export const teardownReasons = definePipeline(import.meta, {
  name: "teardownReasons",
  options: {
    dir: { type: "string", demandOption: true, describe: "Directory for the teardown records" },
    failOnce: { type: "boolean", default: false, describe: "fail the first bundle once" },
  },
  build(p, { dir, failOnce }) {
    p.apply(create([1, 2, 3])).parDo(new RecordingFn(dir, failOnce), { name: "Recording" });
  },
});
