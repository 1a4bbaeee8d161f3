/**
 * A `process` in an endless loop on the direct runner: nothing on its one thread can stop it, so the watchdog
 * thread ends the process past `--taskTimeout` plus its grace, with one line naming the steps. Spawned as a
 * process of its own, since the watchdog kills the process it watches.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const CASES = pathToFileURL(fileURLToPath(new URL("../../conformance/cases/liveness.cases.ts", import.meta.url))).href;

describe("direct runner: the watchdog", function () {
  this.timeout(60_000);

  it("stops a run whose process loops forever, naming the steps", async () => {
    const script = `const m = await import(${JSON.stringify(CASES)}); await m.processNeverReturns.run({ runner: "direct", taskTimeout: 1, quiet: true }); console.log("finished");`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-watchdog-"));
    const file = path.join(dir, "spin.mjs");
    fs.writeFileSync(file, script);
    const started = Date.now();
    const { signal, stdout, stderr } = await new Promise<{ signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ["--import", "tsx", file], { timeout: 45_000 }, (_e, stdout, stderr) =>
        resolve({ signal: child.signalCode, stdout, stderr }),
      );
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(stdout).to.not.include("finished");
    expect(signal, stderr).to.equal("SIGKILL");
    expect(stderr).to.match(/error: \w+ work of step '[^']+' \(fused with .*'Spin'.*\) did not finish within 1 s \(--taskTimeout\)/);
    // 1 s of timeout plus the 5 s grace, then at most a few polls.
    expect(Date.now() - started).to.be.lessThan(30_000);
  });
});
