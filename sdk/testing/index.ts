/**
 * Testing helpers for pipelines: assertions that are themselves transforms, so they run (and fail the run) on
 * every runner.
 * @example
 * import { assertThat } from "sluice/testing";
 * assertThat(p.apply(create([1, 2, 3])).map((x) => x * 2)).containsInAnyOrder(2, 4, 6);
 * @module
 */
export { assertThat, AssertionError, type ContentsChecks, type PaneAssert, type PCollectionAssert } from "./assert.js";
export { formatPane, type PaneRecord } from "./pane-assert.js";
export { testStream, TestStreamBuilder, TEST_CLOCK_START, type TestStreamEvent } from "./test-stream.js";
export { canonicalString, deepEqual } from "./canonical.js";
export { describeCheckFailure, describeMultisetMismatch, formatElements, multisetDiff, type MultisetDiff } from "./mismatch.js";
