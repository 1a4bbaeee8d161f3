/**
 * SVG output for `sluice graph --format svg`, by piping DOT through Graphviz when it is installed.
 * @module
 */
import { spawn } from "node:child_process";
import { UsageError } from "../../sdk/parse-options.js";

/** What `--format svg` says when Graphviz is missing: what to install, and the formats that need nothing. */
export const NO_GRAPHVIZ =
  "--format svg needs Graphviz's 'dot' command, which is not on PATH: install Graphviz " +
  "(apt-get install graphviz on Debian/Ubuntu, brew install graphviz on macOS) or use --format dot or --format mermaid";

/**
 * Renders DOT text to SVG with `dot -Tsvg`.
 * @throws UsageError ({@link NO_GRAPHVIZ}) when `dot` is not on PATH; Error when `dot` rejects the input
 * @example
 * process.stdout.write(await dotToSvg(renderDot(graph, { level: "composite" })));
 */
export function dotToSvg(dot: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("dot", ["-Tsvg"], { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? new UsageError(NO_GRAPHVIZ) : e));
    // After an "error" event "close" may follow; the promise is already settled by then.
    child.on("close", (code, signal) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString("utf8"));
      else reject(new Error(`dot -Tsvg failed (${signal ?? `exit ${code}`}): ${Buffer.concat(stderr).toString("utf8").trim()}`));
    });
    // dot may exit before reading everything (e.g. on a syntax error); its exit status tells the story.
    child.stdin.on("error", () => {});
    child.stdin.end(dot);
  });
}
