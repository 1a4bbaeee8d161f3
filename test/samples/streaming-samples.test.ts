/**
 * The event-time samples run: windowed-wordcount writes one file per window with every word counted once, and
 * leaderboard plays for a moment, drains, and writes team and user panes.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import windowedWordcount, { timeLine } from "../../samples/windowed-wordcount.js";
import leaderboard from "../../samples/leaderboard.js";

describe("event-time samples", function () {
  this.timeout(10_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-samples-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("windowed-wordcount: timestamps from <time>\\t<text> lines or synthetic ones, one file per window", async () => {
    expect(timeLine("2026-01-01T10:15:00Z\tfour score", 0)).to.deep.equal({ text: "four score", timestamp: Date.UTC(2026, 0, 1, 10, 15) });
    expect(timeLine("1000\tyears ago", 0)).to.deep.equal({ text: "years ago", timestamp: 1000 });
    const synthetic = timeLine("no tab", Date.UTC(2026, 0, 1));
    expect(synthetic.timestamp - Date.UTC(2026, 0, 1)).to.be.within(0, 2 * 60 * 60 * 1000 - 1);
    expect(timeLine("no tab", Date.UTC(2026, 0, 1))).to.deep.equal(synthetic);

    const input = path.join(dir, "events.tsv");
    fs.writeFileSync(input, "2026-01-01T10:15:00Z\tthe cat\n2026-01-01T10:45:00Z\tthe dog\n2026-01-01T11:59:59.999Z\tThe end\n");
    await windowedWordcount.run({ input, output: path.join(dir, "counts"), windowMinutes: 60, quiet: true });
    const files = fs.readdirSync(dir).filter((f) => f.startsWith("counts-")).sort();
    expect(files).to.deep.equal([
      "counts-20260101T100000.000Z-20260101T110000.000Z-0-00000-of-00001.txt",
      "counts-20260101T110000.000Z-20260101T120000.000Z-0-00000-of-00001.txt",
    ]);
    expect(files.map((f) => fs.readFileSync(path.join(dir, f), "utf8"))).to.deep.equal(["cat: 1\ndog: 1\nthe: 2\n", "end: 1\nthe: 1\n"]);
  });

  it("leaderboard: plays until --maxDuration, drains, and writes team and user panes", async () => {
    const output = path.join(dir, "board");
    await leaderboard.run({
      maxDuration: 1.2,
      eventsPerSecond: 400,
      teamWindowSeconds: 0.4,
      earlySeconds: 0.1,
      latenessSeconds: 0.4,
      maxDelaySeconds: 0.1,
      userUpdateSeconds: 0.2,
      output,
      print: false,
      quiet: true,
    });
    const files = fs.readdirSync(output);
    const lines = (prefix: string) =>
      files.filter((f) => f.startsWith(prefix)).flatMap((f) => fs.readFileSync(path.join(output, f), "utf8").split("\n").filter(Boolean));
    const teams = lines("teams-");
    const users = lines("users-");
    expect(teams.some((l) => / ON_TIME #\d+/.test(l)), "the drain fired ON_TIME panes").to.equal(true);
    for (const l of teams) expect(l).to.match(/^team \w+ \[\d\d:\d\d:\d\d, \d\d:\d\d:\d\d\) (EARLY|ON_TIME|LATE) #\d+( final)?: \d+$/);
    for (const l of users) expect(l).to.match(/^user \w+ global (EARLY|ON_TIME|LATE) #\d+( final)?: \d+$/);
    expect(users.length).to.be.greaterThan(0);
  });
});
