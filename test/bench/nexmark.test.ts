// Nexmark (bench/nexmark): the generator's rules, and every query on every runner against the plain-TypeScript
// reference. Each runner runs all queries in one pipeline (one run per runner keeps the file fast on a busy
// machine), writing each query's results as JSON lines, which are compared with the reference as multisets.
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import nexmark, { configOf } from "../../bench/nexmark/pipeline.js";
import { NexmarkGenerator } from "../../bench/nexmark/generator.js";
import { QUERIES } from "../../bench/nexmark/queries/index.js";
import { reference } from "../../bench/nexmark/reference.js";
import { stableJson } from "../../bench/nexmark/stable-json.js";

/** 10,000 events at 100 events/s: 100 s of event time, so several 10 s windows and auctions that close. */
const EVENTS = 10_000;
const EVENT_RATE = 100;
const config = configOf(EVENT_RATE);
const gen = new NexmarkGenerator(config);
const events = gen.events(0, EVENTS);

/** Lines of `a` missing from `b` and the other way round (multisets). */
function multisetDiff(a: readonly string[], b: readonly string[]): { missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  const extra: string[] = [];
  for (const x of b) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else extra.push(x);
  }
  const missing = [...counts].flatMap(([x, n]) => Array<string>(n).fill(x));
  return { missing, extra };
}

/** Expects `actual` and `expected` to be the same multiset of lines, showing a few differences if not. */
function expectSameLines(actual: readonly string[], expected: readonly string[], what: string): void {
  const { missing, extra } = multisetDiff(expected, actual);
  expect({ missing: missing.slice(0, 3), extra: extra.slice(0, 3), counts: [actual.length, expected.length] }, what).to.deep.equal({
    missing: [],
    extra: [],
    counts: [expected.length, expected.length],
  });
}

function readLines(dir: string, q: number): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`q${q}-`))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split("\n"))
    .filter((l) => l.length > 0);
}

/** Sums Q12's panes per bidder: discarding panes of a bidder add up to its bids, whatever the clock did. */
function totalsPerBidder(lines: readonly string[]): string[] {
  const totals = new Map<number, number>();
  for (const l of lines) {
    const { bidder, bids } = JSON.parse(l) as { bidder: number; bids: number };
    totals.set(bidder, (totals.get(bidder) ?? 0) + bids);
  }
  return [...totals].map(([bidder, bids]) => stableJson({ bidder, bids }));
}

describe("nexmark generator", () => {
  it("makes persons, auctions and bids 1 : 3 : 46, the same event for the same number, in event-time order", () => {
    const kinds = { person: 0, auction: 0, bid: 0 };
    for (const e of gen.events(0, 5000)) kinds[e.kind]++;
    expect(kinds).to.deep.equal({ person: 100, auction: 300, bid: 4600 });
    expect(gen.event(1234)).to.deep.equal(gen.event(1234));
    expect(gen.event(1234)).to.not.deep.equal(gen.event(1284)); // same kind, different draw
    const ts = events.map((e) => (e.kind === "bid" ? e.bid.dateTime : e.kind === "auction" ? e.auction.dateTime : e.person.dateTime));
    expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).to.equal(true);
    expect(ts.at(-1)! - ts[0]!).to.equal(Math.floor(((EVENTS - 1) * 1000) / EVENT_RATE));
  });

  it("sends about half the bids to hot auctions and three quarters to hot bidders, and ids only to people and auctions that exist or are about to", () => {
    const bids = gen.events(0, 50_000).flatMap((e) => (e.kind === "bid" ? [e.bid] : []));
    const hotAuctions = bids.filter((b) => (b.auction - 1000) % 100 === 0).length / bids.length;
    const hotBidders = bids.filter((b) => (b.bidder - 1000) % 100 === 1).length / bids.length;
    expect(hotAuctions).to.be.within(0.48, 0.55);
    expect(hotBidders).to.be.within(0.73, 0.78);
    expect(bids.every((b) => b.bidder >= 1000 && b.bidder < 1000 + 1000 + 10 && b.auction >= 1000 && b.auction < 1000 + 3000 + 10)).to.equal(true);
  });

  it("the multiset check notices a wrong result", () => {
    const expected = reference(2, events, config).map(stableJson);
    expect(() => expectSameLines(expected.slice(1), expected, "dropped one")).to.throw();
    expect(() => expectSameLines([...expected.slice(1), expected[1]!], expected, "duplicated one")).to.throw();
  });
});

for (const runner of ["direct", "threads", "process"]) {
  describe(`nexmark queries on ${runner}`, function () {
    this.timeout(60_000);
    let dir: string;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-nexmark-${runner}-`));
      await nexmark.run({
        runner,
        queries: "all",
        events: EVENTS,
        eventRate: EVENT_RATE,
        output: dir,
        maxSplitEvents: 1500, // several splits, so that the read itself is spread over the workers
        quiet: true,
        // direct: shuffled splits, bundles, values and panes, so no query may rely on order.
        ...(runner === "direct" ? { orderSeed: 20260101 } : { parallelism: 2 }),
      });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const q of QUERIES.keys()) {
      it(`Q${q} gives the reference's results`, () => {
        const actual = readLines(dir, q);
        const expected = reference(q, events, config).map(stableJson);
        expect(expected.length, "the reference finds something to compare").to.be.greaterThan(0);
        if (q === 12) expectSameLines(totalsPerBidder(actual), expected, `Q12 totals per bidder on ${runner}`);
        else expectSameLines(actual, expected, `Q${q} on ${runner}`);
      });
    }
  });
}

// The same generator read as an unbounded source (one that ends after EVENTS, so its watermark reaches the end of
// time and every window fires): every query that can run on a stream must give the same results. Q6 fires after
// every sale there, accumulating: each seller's last pane must hold the reference's value. Left out: Q9 (writeText
// refuses to name files after its AuctionOrBidWindows, an IntervalWindow subclass with an id of its own); its
// join still runs on the stream inside Q4 and Q6.
const STREAMING_QUERIES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12];

/** Q6 on a stream: each seller's latest pane (accumulating), without the pane index. */
function lastPanePerSeller(lines: readonly string[]): string[] {
  const last = new Map<number, { seller: number; average: number; pane: number }>();
  for (const l of lines) {
    const r = JSON.parse(l) as { seller: number; average: number; pane: number };
    if ((last.get(r.seller)?.pane ?? -1) < r.pane) last.set(r.seller, r);
  }
  return [...last.values()].map(({ seller, average }) => stableJson({ seller, average }));
}
for (const runner of ["direct", "threads", "process"]) {
  describe(`nexmark streaming queries on ${runner}`, function () {
    this.timeout(60_000);
    let dir: string;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-nexmark-stream-${runner}-`));
      await nexmark.run({
        runner,
        queries: STREAMING_QUERIES.join(","),
        events: EVENTS,
        eventRate: EVENT_RATE,
        streaming: true,
        output: dir,
        quiet: true,
        ...(runner === "direct" ? {} : { parallelism: 2 }),
      });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const q of STREAMING_QUERIES) {
      it(`Q${q} gives the reference's results`, () => {
        const actual = readLines(dir, q);
        const expected = reference(q, events, config).map(stableJson);
        if (q === 12) expectSameLines(totalsPerBidder(actual), expected, `streaming Q12 totals per bidder on ${runner}`);
        else if (q === 6) expectSameLines(lastPanePerSeller(actual), expected, `streaming Q6 last panes on ${runner}`);
        else expectSameLines(actual, expected, `streaming Q${q} on ${runner}`);
      });
    }
  });
}

// Q12's point: panes fire on processing time. An unbounded run throttled to 1,500 events/s lasts over 13 s, so a
// bidder active from the start gets a pane after windowSizeSec (10 s) and another at the end of the input.
describe("nexmark Q12 on a throttled stream (direct)", function () {
  this.timeout(60_000);
  it("fires processing-time panes before the end, which still add up to each bidder's bids", async () => {
    const n = 20_000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-nexmark-q12-"));
    try {
      await nexmark.run({ runner: "direct", queries: "12", events: n, eventRate: EVENT_RATE, streaming: true, rate: 1500, output: dir, quiet: true });
      const lines = readLines(dir, 12);
      const panesPerBidder = new Map<number, number>();
      for (const l of lines) {
        const { bidder } = JSON.parse(l) as { bidder: number };
        panesPerBidder.set(bidder, (panesPerBidder.get(bidder) ?? 0) + 1);
      }
      expect(Math.max(...panesPerBidder.values()), "some bidder's bids came in more than one pane").to.be.greaterThan(1);
      expectSameLines(totalsPerBidder(lines), reference(12, gen.events(0, n), config).map(stableJson), "Q12 totals per bidder");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
