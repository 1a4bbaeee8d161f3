/**
 * What `sluice run` loads before a direct run ends: start-up is mostly module loading (bench/whole-process.ts
 * measures it), so a runner's libraries must reach a run only through that runner's lazy entry in the registry.
 * A static import from the CLI into a runner's module (the NATS client once came in that way, ~100 ms of every
 * start) shows here as a package that does not belong.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect } from "chai";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The packages under node_modules whose modules a run of `args` loads (the program bundle's cache aside). */
async function packagesLoaded(args: readonly string[]): Promise<Set<string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-startup-"));
  try {
    const log = path.join(dir, "loaded.txt");
    // A loader hook that writes down every module URL it loads; registered by --import before the CLI starts.
    fs.writeFileSync(
      path.join(dir, "hooks.mjs"),
      `import fs from "node:fs";\nexport async function load(url, context, next) { fs.appendFileSync(${JSON.stringify(log)}, url + "\\n"); return next(url, context); }\n`,
    );
    fs.writeFileSync(path.join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(path.join(dir, "hooks.mjs")).href)});\n`);
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ["--import", pathToFileURL(path.join(dir, "register.mjs")).href, "bin/sluice.js", ...args], { cwd: ROOT, timeout: 20_000 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`sluice ${args.join(" ")} failed: ${stderr}`)) : resolve(),
      );
    });
    const packages = new Set<string>();
    for (const url of fs.readFileSync(log, "utf8").split("\n")) {
      const m = /\/node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(url);
      if (m) packages.add(m[1]!);
    }
    return packages;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("sluice run start-up", function () {
  this.timeout(30_000);

  it("loads no other runner's libraries for a direct run (no NATS client, thread pool or msgpackr)", async () => {
    const packages = await packagesLoaded(["run", "samples/minimal.ts", "--quiet"]);
    expect(packages, [...packages].join(", ")).to.include("yargs");
    for (const foreign of ["@nats-io/transport-node", "@nats-io/jetstream", "@nats-io/kv", "piscina", "msgpackr", "tsx"]) {
      expect(packages, [...packages].join(", ")).not.to.include(foreign);
    }
  });
});
