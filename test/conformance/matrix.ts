/**
 * The conformance matrix: every case runs on every registered runner, like Beam's ValidatesRunner suite.
 *
 * A case is a pipeline declared with `definePipeline(import.meta, { name, build })` in a module under `cases/`
 * that imports no test framework, so that worker threads and processes can re-import it. The pipeline checks its
 * own output with `assertThat` (which fails the run), so a case passes when its run succeeds, or, for
 * error-path cases, when the run fails with the expected message.
 */
import { expect } from "chai";
import { runnerNames } from "../../runners/registry.js";
import type { PipelineDefinition, PipelineOptions } from "../../sdk/index.js";
import { PipelineError } from "../../sdk/index.js";
import { natsRunOptions, natsUnavailable } from "../runners/nats/shared-cluster.js";

/** What a runner is known not to support: the case is skipped there, with the reason in its title. */
export type Unsupported = Readonly<Record<string, string>>;

export interface CaseOptions {
  /** The run must fail with a message matching this. */
  readonly expectError?: RegExp;
  /** Runners that cannot run this case yet, with the reason (the test is skipped and says why). */
  readonly unsupported?: Unsupported;
  /** Options for the run besides the runner. */
  readonly options?: Partial<PipelineOptions>;
}

/**
 * The runners that cannot run unbounded input (TestStream) yet: every streaming case is marked with this, so such
 * a runner's cases are skipped with the reason. Every registered runner runs them now.
 */
export const STREAMING_UNSUPPORTED: Unsupported = Object.freeze({});

/** Seed for the direct runner's order shuffling, so tests never rely on bundle, key or value order. */
export const ORDER_SEED = 20261125;

/** The runners the matrix covers: every registered runner. */
export function matrixRunners(): string[] {
  return runnerNames();
}

/**
 * Declares one mocha test per runner for a case.
 * @example
 * describe("Combine", () => conformanceCase(cases.sumPerKey));
 */
export function conformanceCase(definition: PipelineDefinition, caseOptions: CaseOptions = {}): void {
  for (const runner of matrixRunners()) {
    const reason = caseOptions.unsupported?.[runner];
    const title = `${definition.name} [${runner}]`;
    if (reason !== undefined) {
      it.skip(`${title} — unsupported on ${runner}: ${reason}`);
      continue;
    }
    it(title, async function () {
      // The NATS runner runs on a cluster of nats-server processes with three workers, started once for the run.
      const unavailable = runner === "nats" ? natsUnavailable() : undefined;
      if (unavailable) this.skip();
      const runnerOptions = runner === "nats" ? await natsRunOptions() : {};
      const options = { runner, orderSeed: ORDER_SEED, quiet: true, ...runnerOptions, ...caseOptions.options };
      if (caseOptions.expectError) {
        const error = await definition.run(options).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, "the run should have failed").to.be.instanceOf(Error);
        const text = error instanceof PipelineError ? error.describe() : String((error as Error).message);
        expect(text).to.match(caseOptions.expectError);
      } else {
        await definition.run(options);
      }
    });
  }
}

/**
 * Declares the tests of every case a module exports (each export a PipelineDefinition). `defaults` apply to every
 * case, under its own options.
 * @example
 * import * as cases from "./cases/combine.cases.js";
 * describe("Combine", () => conformanceCases(cases));
 * describe("Triggers", () => conformanceCases(triggerCases, {}, { unsupported: STREAMING_UNSUPPORTED }));
 */
export function conformanceCases(
  cases: Readonly<Record<string, unknown>>,
  perCase: Readonly<Record<string, CaseOptions>> = {},
  defaults: CaseOptions = {},
): void {
  for (const [exportName, value] of Object.entries(cases)) {
    if (isDefinition(value)) conformanceCase(value, { ...defaults, ...(perCase[exportName] ?? perCase[value.name] ?? {}) });
  }
}

function isDefinition(v: unknown): v is PipelineDefinition {
  return typeof v === "object" && v !== null && typeof (v as PipelineDefinition).run === "function" && "moduleUrl" in v;
}
