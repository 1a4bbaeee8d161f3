import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import bigGroup from "./fixtures/big-group.js";
import { makePrivateDir, removePrivateDir } from "../../../sdk/index.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/many-shards.ts", import.meta.url));

/** Every file and directory under `root` with its permission bits (and what kind it is), by path. */
function modesUnder(root: string, into: Map<string, { mode: number; dir: boolean }>): void {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return; // removed while we looked
  }
  for (const name of names) {
    const p = path.join(root, name);
    try {
      const st = fs.lstatSync(p);
      into.set(p, { mode: st.mode & 0o777, dir: st.isDirectory() });
      if (st.isDirectory()) modesUnder(p, into);
    } catch {
      // removed while we looked
    }
  }
}

describe("process runner: private temporary files", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-private-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives the group and others no access to anything a run writes before its commit (blobs, spill runs, temporary shards)", async () => {
    const tempDir = path.join(dir, "tmp");
    const output = path.join(dir, "out", "groups");
    const seen = new Map<string, { mode: number; dir: boolean }>();
    let running = true;
    // Small budget, so grouping spills sorted runs; shards written to writeText's temporary directories.
    const run = bigGroup
      .run({ runner: "process", records: 200_000, keys: 20_000, memoryMb: 1, parallelism: 2, output, tempDir, quiet: true })
      .finally(() => (running = false));
    while (running) {
      modesUnder(tempDir, seen);
      // writeText's temporary directories next to the output: the directories themselves and their files.
      const outputDir = path.dirname(output);
      if (fs.existsSync(outputDir)) modesUnder(outputDir, seen);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const result = await run;
    expect(result.stats!.spillRuns, "sorted runs spilled").to.be.greaterThan(0);
    const kinds = { runDir: 0, blob: 0, spill: 0, shard: 0 };
    const outputDir = path.dirname(output);
    for (const [p, { mode, dir: isDir }] of seen) {
      if (path.dirname(p) === outputDir && !path.basename(p).startsWith(".sluice-temp-")) continue; // published

      expect(mode & 0o077, `${p} is 0${mode.toString(8)}`).to.equal(0);
      expect(mode, p).to.equal(isDir ? 0o700 : 0o600);
      if (/sluice-run-[^/]+$/.test(p)) kinds.runDir++;
      if (p.endsWith(".blob")) kinds.blob++;
      if (p.endsWith(".run")) kinds.spill++;
      if (p.endsWith(".tmp")) kinds.shard++;
    }
    expect(kinds.runDir, JSON.stringify(kinds)).to.be.greaterThan(0);
    expect(kinds.blob, JSON.stringify(kinds)).to.be.greaterThan(0);
    expect(kinds.shard, JSON.stringify(kinds)).to.be.greaterThan(0);
    // Published files get the usual mode; nothing temporary is left.
    const umask = process.umask();
    for (const name of fs.readdirSync(path.dirname(output))) {
      expect(name, "no temporary directory left").to.not.match(/^\.sluice-temp-/);
      expect(fs.statSync(path.join(path.dirname(output), name)).mode & 0o777, name).to.equal(0o666 & ~umask);
    }
    expect(fs.readdirSync(tempDir)).to.deep.equal([]);
  });

  it("runs a second user's job next to this user's with the default --tempDir (no shared directory, no EACCES)", async function () {
    if (typeof process.getuid !== "function" || process.getuid() !== 0) this.skip(); // needs root to be another user
    const shared = path.join(dir, "shared-tmp");
    fs.mkdirSync(shared, { mode: 0o1777 });
    fs.chmodSync(shared, 0o1777); // like /tmp
    fs.chmodSync(dir, 0o755);
    // This user's run directory and what the old default left behind: a shared `sluice` folder, 0755.
    const mine = makePrivateDir(shared, "sluice-run-");
    fs.mkdirSync(path.join(shared, "sluice"), { mode: 0o755 });
    const theirs = path.join(dir, "theirs");
    fs.mkdirSync(theirs, { mode: 0o755 });
    fs.chownSync(theirs, 65534, 65534);
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, "--runner", "process", "--parallelism", "1", "--output", path.join(theirs, "f"), "--shards", "3", "--lines", "30", "--quiet"], {
      uid: 65534,
      gid: 65534,
      cwd: process.cwd(),
      env: { ...process.env, HOME: theirs, TMPDIR: shared }, // the default --tempDir is the OS temp directory
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    if (code !== 0 && /EACCES.*(node_modules|wt-commit|tsx)/.test(stderr)) this.skip(); // the other user cannot read the code
    expect(code, stderr).to.equal(0);
    expect(fs.readdirSync(theirs).filter((n) => !n.startsWith("."))).to.have.length(3);
    // Their run cleaned up after itself and left ours alone.
    expect(fs.readdirSync(shared).filter((n) => n.startsWith("sluice")).sort()).to.deep.equal([path.basename(mine), "sluice"].sort());
    removePrivateDir(mine);
  });
});
