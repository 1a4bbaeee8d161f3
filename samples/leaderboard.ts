/**
 * LeaderBoard: a streaming game-score pipeline in the spirit of Beam's mobile-gaming `LeaderBoard` example.
 *
 *   npx tsx samples/leaderboard.ts                      # 10 s of play, then drains; prints team panes as they fire
 *   npx tsx samples/leaderboard.ts --maxDuration 30 --eventsPerSecond 1000 --teamWindowSeconds 10
 *   npx tsx samples/leaderboard.ts --no-drain           # stop after --maxDuration without firing open windows
 *
 * A generator ({@link GameEventSource}, an UnboundedSource) plays a game: users in teams score points. Events
 * arrive out of order (each is stamped up to `--maxDelaySeconds` before it arrives, and the source's watermark
 * trails the clock by that much, so these are on time), and a fraction `--lateFraction` arrive much later than
 * that: late data, behind the watermark.
 *
 * Two results, each printed as its panes fire and written with `writeText` (one set of files per window and
 * pane, published as the pane fires):
 * - **Team scores** in fixed event-time windows of `--teamWindowSeconds`: an EARLY pane `--earlySeconds` of
 *   processing time after a window's first score (and again after each early pane), the ON_TIME pane when the
 *   watermark passes the end of the window, then a LATE pane for every late score within `--latenessSeconds`;
 *   accumulating, so each pane has the team's total so far. Later scores are dropped (and counted).
 * - **User totals** in the global window, accumulating, updated every `--userUpdateSeconds` of processing time.
 *
 * The run stops after `--maxDuration` seconds (default 10 here) or on Ctrl-C, and drains by default (`--drain`):
 * the source stops, the watermark advances to the end of time, every open window fires its last pane, and the run
 * completes. Both are the direct runner's (the default runner). Times are the machine's clock, so the panes
 * differ from run to run. The pipeline overrides the defaults of the standard `--maxDuration` and `--drain` by
 * declaring options of the same names.
 */
import path from "node:path";
import fs from "node:fs";
import {
  AfterCount,
  AfterProcessingTime,
  AfterWatermark,
  FixedWindows,
  GlobalWindows,
  IntervalWindow,
  Repeatedly,
  definePipeline,
  formatInstant,
  kv,
  queryMetrics,
  readUnbounded,
  windowInto,
  type DoFn,
  type Instant,
  type KV,
  type ProcessContext,
  type TimestampedValue,
  type UnboundedReader,
  type UnboundedSource,
} from "../sdk/index.js";
import { sumPerKey, writeText } from "../transforms/index.js";

/** One scoring event of the game. */
export interface GameEvent {
  readonly user: string;
  readonly team: string;
  readonly score: number;
  /** When it happened (event time, ms since the epoch); the element's timestamp too. */
  readonly timestamp: Instant;
}

/** How the generator plays. Plain data: it is part of the pipeline's options. */
export interface GameOptions {
  /** Events per second. */
  readonly eventsPerSecond: number;
  readonly users: number;
  readonly teams: number;
  /** On-time events happened up to this long before they arrive (out of order within it), in ms. */
  readonly maxDelayMs: number;
  /** The fraction of events that arrive late: between `lateMinMs` and `lateMaxMs` after they happened. */
  readonly lateFraction: number;
  readonly lateMinMs: number;
  readonly lateMaxMs: number;
}

const TEAM_NAMES = ["Amber", "Crimson", "Indigo", "Olive", "Teal", "Violet", "Saffron", "Cobalt"];
const ANIMALS = ["Antelope", "Badger", "Cockatoo", "Dingo", "Echidna", "Fox", "Gecko", "Heron"];

/** A deterministic pseudo-random number in [0, 1) for event `n` and purpose `salt` (so a replay is identical). */
function noise(n: number, salt: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * The game as an UnboundedSource with one split. Event `n` is the same on every replay (user, team, score and
 * delay are functions of `n`); only when it is emitted depends on the clock. The reader's checkpoint is the next
 * event number; its watermark is the clock minus `maxDelayMs`, which no on-time event is older than.
 * @example
 * p.apply(readUnbounded(new GameEventSource({ eventsPerSecond: 100, users: 20, teams: 4, maxDelayMs: 2000,
 *   lateFraction: 0.05, lateMinMs: 5000, lateMaxMs: 20000 })));
 */
export class GameEventSource implements UnboundedSource<GameEvent, null> {
  readonly description: string;

  constructor(readonly game: GameOptions) {
    this.description = `GameEvents(${game.eventsPerSecond}/s, ${game.users} users, ${game.teams} teams)`;
  }

  async split(): Promise<readonly null[]> {
    return [null];
  }

  createReader(_split: null, checkpoint: unknown): UnboundedReader<GameEvent> {
    return new GameEventReader(this.game, (checkpoint as { next?: number } | undefined)?.next ?? 0);
  }
}

class GameEventReader implements UnboundedReader<GameEvent> {
  readonly done = false;
  private startedAt: number | undefined;
  private emitted = 0;
  private lastWatermark = -Infinity;

  constructor(
    private readonly game: GameOptions,
    private next: number,
  ) {}

  async read(max: number): Promise<readonly TimestampedValue<GameEvent>[]> {
    const now = Date.now();
    this.startedAt ??= now;
    // A token count against the clock, not a timer per event: as many as are due, up to `max`.
    const due = Math.min(max, Math.floor(((now - this.startedAt) * this.game.eventsPerSecond) / 1000) - this.emitted);
    const out: TimestampedValue<GameEvent>[] = [];
    for (let i = 0; i < due; i++, this.next++) {
      const event = this.event(this.next, now);
      out.push({ value: event, timestamp: event.timestamp });
    }
    this.emitted += Math.max(0, due);
    return out;
  }

  watermark(): Instant {
    // Monotone, and never past an on-time event still to come.
    this.lastWatermark = Math.max(this.lastWatermark, Date.now() - this.game.maxDelayMs);
    return this.lastWatermark;
  }

  checkpoint(): { next: number } {
    return { next: this.next };
  }

  async close(): Promise<void> {}

  private event(n: number, now: number): GameEvent {
    const { users, teams, maxDelayMs, lateFraction, lateMinMs, lateMaxMs } = this.game;
    const u = Math.floor(noise(n, 1) * users);
    const team = u % teams;
    const late = noise(n, 2) < lateFraction;
    const delay = late ? lateMinMs + Math.floor(noise(n, 3) * (lateMaxMs - lateMinMs)) : Math.floor(noise(n, 3) * maxDelayMs);
    return {
      user: `user${u}_${TEAM_NAMES[team % TEAM_NAMES.length]}${ANIMALS[Math.floor(team / TEAM_NAMES.length) % ANIMALS.length]}`,
      team: `${TEAM_NAMES[team % TEAM_NAMES.length]}${ANIMALS[Math.floor(team / TEAM_NAMES.length) % ANIMALS.length]}`,
      score: 1 + Math.floor(noise(n, 4) * 20),
      timestamp: now - delay,
    };
  }
}

/** Formats each pane of a per-key sum as one line, prints it when asked, and passes the line on for writing. */
function describePanes(label: string, print: boolean): DoFn<KV<string, number>, string> {
  return {
    process({ key, value }: KV<string, number>, ctx: ProcessContext<string>) {
      const { pane, window } = ctx;
      // Used on fixed and on global windows, so narrowed here; the time of day tells this run's windows apart.
      const time = (t: Instant): string => formatInstant(t).slice(11, 19);
      const where = window instanceof IntervalWindow ? `[${time(window.start)}, ${time(window.end)})` : "global";
      const line = `${label} ${key} ${where} ${pane.timing} #${pane.index}${pane.isLast ? " final" : ""}: ${value}`;
      if (print) process.stdout.write(`${line}\n`);
      ctx.output(line);
    },
  };
}

const seconds = (s: number): number => Math.round(s * 1000);

export default definePipeline(import.meta, {
  description: "Streaming game leaderboard: team scores per window with early and late firings, user totals.",
  options: {
    maxDuration: { type: "number", default: 10, describe: "direct runner: stop after this many seconds (as Ctrl-C does)" },
    drain: { type: "boolean", default: true, describe: "direct runner: on stop, fire every open window and finish (--no-drain: fail at once)" },
    eventsPerSecond: { type: "number", default: 200, describe: "Game events generated per second" },
    users: { type: "number", default: 40, describe: "Players" },
    teams: { type: "number", default: 4, describe: "Teams (players are spread over them)" },
    maxDelaySeconds: { type: "number", default: 1, describe: "On-time events happened up to this long before they arrive" },
    lateFraction: { type: "number", default: 0.05, describe: "Fraction of events that arrive late" },
    teamWindowSeconds: { type: "number", default: 4, describe: "Team score windows (event time)" },
    earlySeconds: { type: "number", default: 1, describe: "EARLY team panes this long (processing time) after a pane's first score" },
    latenessSeconds: { type: "number", default: 6, describe: "Allowed lateness of team windows: later scores are dropped" },
    userUpdateSeconds: { type: "number", default: 2, describe: "User totals are updated this often (processing time)" },
    output: { type: "string", default: "out/leaderboard/", describe: "Directory for the team and user pane files" },
    print: { type: "boolean", default: true, describe: "Print team panes as they fire" },
  },
  build(p, o) {
    const windowMs = seconds(o.teamWindowSeconds);
    const game: GameOptions = {
      eventsPerSecond: o.eventsPerSecond,
      users: o.users,
      teams: o.teams,
      maxDelayMs: seconds(o.maxDelaySeconds),
      lateFraction: o.lateFraction,
      // Late events straddle the allowed lateness: some make a LATE pane, some are dropped.
      lateMinMs: windowMs,
      lateMaxMs: windowMs + 2 * seconds(o.latenessSeconds),
    };
    const events = p.apply("ReadGameEvents", readUnbounded(new GameEventSource(game)));

    events
      .apply(
        "TeamWindows",
        windowInto<GameEvent>(new FixedWindows(windowMs), {
          trigger: AfterWatermark({ early: AfterProcessingTime(seconds(o.earlySeconds)), late: AfterCount(1) }),
          accumulation: "ACCUMULATING",
          allowedLateness: seconds(o.latenessSeconds),
        }),
      )
      .map((e) => kv(e.team, e.score), "TeamScore")
      .apply("SumTeamScores", sumPerKey<string>())
      .parDo(describePanes("team", o.print), { name: "DescribeTeamPanes" })
      .apply("WriteTeamPanes", writeText(path.join(o.output, "teams")));

    events
      .apply(
        "UserGlobalWindow",
        windowInto<GameEvent>(new GlobalWindows(), {
          trigger: Repeatedly(AfterProcessingTime(seconds(o.userUpdateSeconds))),
          accumulation: "ACCUMULATING",
        }),
      )
      .map((e) => kv(e.user, e.score), "UserScore")
      .apply("SumUserScores", sumPerKey<string>())
      .parDo(describePanes("user", false), { name: "DescribeUserPanes" })
      .apply("WriteUserPanes", writeText(path.join(o.output, "users")));
  },
  afterRun(result, o) {
    if (o.quiet) return;
    const dropped = queryMetrics(result.metrics.counters, { name: "droppedDueToLateness" }).reduce((n, m) => n + m.value, 0);
    // Only this run's files: earlier runs' windows (other times of day) may still be in the directory.
    const startedAt = Date.now() - result.durationMs - 1000;
    const files = (fs.existsSync(o.output) ? fs.readdirSync(o.output) : []).filter((f) => fs.statSync(path.join(o.output, f)).mtimeMs >= startedAt);
    // User panes accumulate: a user's total is on its line of the highest pane index.
    const totals = new Map<string, { pane: number; total: number }>();
    for (const f of files.filter((name) => name.startsWith("users-"))) {
      for (const line of fs.readFileSync(path.join(o.output, f), "utf8").split("\n")) {
        const m = /^user (\S+) global \w+ #(\d+)(?: final)?: (\d+)$/.exec(line);
        if (!m) continue;
        const [user, pane, total] = [m[1]!, Number(m[2]), Number(m[3])];
        if ((totals.get(user)?.pane ?? -1) < pane) totals.set(user, { pane, total });
      }
    }
    const top = [...totals].sort(([a, x], [b, y]) => y.total - x.total || (a < b ? -1 : 1)).slice(0, 5);
    const teamFiles = files.filter((f) => f.startsWith("teams-")).length;
    process.stdout.write(
      `\n${teamFiles} team and ${files.length - teamFiles} user pane files in ${o.output}; ` +
        `${dropped} late scores dropped (beyond the allowed lateness).\nTop users:\n` +
        top.map(([user, { total }], i) => `  ${i + 1}. ${user} ${total}`).join("\n") +
        "\n",
    );
  },
});
