import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

const FIXTURE = fileURLToPath(new URL("./fixtures/many-shards.ts", import.meta.url));

/** writeText's temporary directories next to `outputDir`, and whether any holds a temporary shard. */
function tempDirs(outputDir: string): { dirs: string[]; shards: number } {
  const dirs = fs.existsSync(outputDir) ? fs.readdirSync(outputDir).filter((n) => n.startsWith(".sluice-temp-")) : [];
  let shards = 0;
  for (const d of dirs) {
    try {
      shards += fs.readdirSync(path.join(outputDir, d)).filter((n) => n.endsWith(".tmp")).length;
    } catch {
      // removed while we looked
    }
  }
  return { dirs, shards };
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// The fixture holds back writeText's Finalize with a slow branch (its commit gate), so the signal arrives while
// the run's temporary files exist; the run must remove them and end by the signal, as it would have without us.
const CASES = [
  { runner: "direct", signal: "SIGINT" },
  { runner: "direct", signal: "SIGTERM" },
  { runner: "process", signal: "SIGINT" },
  { runner: "process", signal: "SIGTERM" },
] as const;

describe("interrupted runs remove their temporary files", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-interrupt-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const { runner, signal } of CASES) {
    it(`${runner} runner, ${signal}: no temporary directory, run directory or output left`, async () => {
      const outputDir = path.join(dir, "out");
      const tempDir = path.join(dir, "tmp");
      const marker = path.join(dir, "slow-started");
      const args = ["--import", "tsx", FIXTURE, "--output", path.join(outputDir, "f"), "--shards", "3", "--lines", "30"];
      args.push("--slowMs", "60000", "--marker", marker, "--quiet", "--runner", runner);
      // The process runner's own options (the direct runner refuses them).
      if (runner === "process") args.push("--parallelism", "2", "--tempDir", tempDir);
      const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("exit", (code, sig) => resolve({ code, signal: sig })),
      );
      try {
        await until(() => fs.existsSync(marker), "the slow branch");
        // The process runner's other worker writes the shards meanwhile. The direct runner runs one stage at a
        // time, in an order of its choosing: whether its writers ran before the slow branch depends on it.
        await until(() => tempDirs(outputDir).shards > 0, "the run's temporary shards", runner === "process" ? 30_000 : 3_000).catch((e: unknown) => {
          if (runner === "process") throw e;
        });
        if (runner === "process") expect(fs.readdirSync(tempDir).filter((n) => n.startsWith("sluice-run-"))).to.have.length(1);
        child.kill(signal);
        const end = await exited;
        expect(end, stderr).to.deep.equal({ code: null, signal });
      } finally {
        child.kill("SIGKILL");
      }
      expect(tempDirs(outputDir).dirs, "writeText's temporary directories").to.deep.equal([]);
      expect(fs.existsSync(outputDir) ? fs.readdirSync(outputDir) : [], "output").to.deep.equal([]);
      if (fs.existsSync(tempDir)) expect(fs.readdirSync(tempDir), "run directories").to.deep.equal([]);
    });
  }
});
