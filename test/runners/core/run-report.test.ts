import { expect } from "chai";
import { formatMetrics } from "../../../runners/core/run-report.js";

describe("run report (--stats)", () => {
  it("lists the pipeline's metrics one line per step and name, sorted, with distributions summarised", () => {
    const text = formatMetrics({
      counters: [
        { step: "Parse", name: "badLines", value: 3 },
        { step: "Count", name: "words", value: 12_345 },
      ],
      gauges: [{ step: "Parse", name: "lastSeen", value: 7 }],
      distributions: [{ step: "Parse", name: "lineLength", value: { count: 4, sum: 10, min: 1, max: 4, mean: 2.5 } }],
    });
    expect(text.split("\n")).to.deep.equal([
      "step   metric      kind                                    value",
      "Count  words       counter                                12,345",
      "Parse  badLines    counter                                     3",
      "Parse  lastSeen    gauge                                       7",
      "Parse  lineLength  distribution  count 4, mean 2.5, min 1, max 4",
    ]);
  });

  it("is empty for a pipeline without metrics", () => {
    expect(formatMetrics({ counters: [], gauges: [], distributions: [] })).to.equal("");
  });
});
