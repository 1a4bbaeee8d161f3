/**
 * `--ui` on every runner: the status page answers on 127.0.0.1 while the run lasts, with the graph, stages,
 * element counts per edge and metrics moving, and says how the run ended. Where Debian's chromium is installed,
 * a real headless browser loads the page and runs its script.
 */
import { execFile, spawnSync } from "node:child_process";
import net from "node:net";
import { expect } from "chai";
import { runnerNames } from "../../../runners/registry.js";
import type { StatusReport } from "../../../runners/ui/status-server.js";
import ticking from "./fixtures/ticking.js";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function status(base: string): Promise<StatusReport | undefined> {
  try {
    return (await (await fetch(`${base}status.json`)).json()) as StatusReport;
  } catch {
    return undefined; // not listening yet
  }
}

function findChromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    if (spawnSync("which", [name]).status === 0) return name;
  }
  return undefined;
}

describe("--ui status page", function () {
  this.timeout(90_000);

  for (const runner of runnerNames()) {
    it(`serves the run's graph, stages, edge counts and metrics live, and its outcome (${runner})`, async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}/`;
      const run = ticking.run({ runner, ui: true, uiPort: port, quiet: true, ...(runner === "direct" ? {} : { parallelism: 2 }) });
      const seen: StatusReport[] = [];
      let done = false;
      void run.finally(() => (done = true)).catch(() => {});
      while (!done) {
        const s = await status(base);
        if (s?.state === "running") seen.push(s);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await run;
      const running = seen.filter((s) => s.stages.length > 0);
      expect(running.length, "reports while running").to.be.greaterThan(2);
      const first = running[0]!;
      const last = running.at(-1)!;
      const elementsIn = (s: StatusReport) => s.stages.reduce((n, st) => n + st.elementsIn, 0);
      expect(elementsIn(last), "elements grew while it ran").to.be.greaterThan(elementsIn(first));
      expect(last.runner).to.equal(runner);
      expect(last.name).to.equal("ticking");

      const page = await (await fetch(base)).text();
      expect(page).to.include("<script>").and.include("status.json").and.not.include("http://cdn").and.not.include("https://");
      const svg = await (await fetch(`${base}graph.svg`)).text();
      const edgeIds = [...svg.matchAll(/data-pcollection="([^"]+)"/g)].map((m) => m[1]!);
      expect(edgeIds).to.include("KeyBy.main");

      const end = (await status(base))!;
      expect(end.state).to.equal("succeeded");
      expect(end.elements["KeyBy.main"], "the edge count of KeyBy").to.equal(3000);
      expect(end.metrics.counters.find((c) => c.name === "seen")?.value).to.equal(3000);
      expect(end.history.length, "throughput samples").to.be.greaterThan(0);
    });
  }

  it("runs its script in a real browser (headless chromium, where installed)", async function () {
    const chromium = findChromium();
    if (!chromium) {
      // Named in the output: mocha shows the skipped test's title.
      this.test!.title += " — skipped: no chromium on PATH (apt-get install chromium; .ci/run installs it)";
      this.skip();
    }
    const port = await freePort();
    const run = ticking.run({ runner: "direct", ui: true, uiPort: port, quiet: true });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Asynchronously: the page is served by this very process, which must keep answering.
    const dom = await new Promise<string>((resolve, reject) =>
      execFile(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000", "--dump-dom", `http://127.0.0.1:${port}/`], { encoding: "utf8", timeout: 60_000 }, (e, stdout, stderr) =>
        e ? reject(new Error(`${chromium} failed: ${e.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    await run;
    expect(dom).to.include('id="stages"').and.match(/<td>S0<\/td>/);
    expect(dom, "edge counts drawn").to.match(/class="count"[^>]*>[\d,]+</);
  });
});
