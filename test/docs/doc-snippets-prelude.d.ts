/**
 * What the documentation's snippets may use without declaring it: the pipeline `p`, the PCollections and helpers
 * the surrounding text talks about, and the event-time guide's worked example (`samples/event-time.ts`). A
 * script, not a module, so its declarations are global for the snippet modules, which may shadow them.
 */
type KV<K, V> = import("../../sdk/index.js").KV<K, V>;
type PCollection<T> = import("../../sdk/index.js").PCollection<T>;

declare const p: import("../../sdk/index.js").Pipeline;

declare const lines: PCollection<string>;
declare const words: PCollection<string>;
declare const records: PCollection<string>;
declare const amounts: PCollection<number>;
/** Per-key numbers: sales per product, scores per team. */
declare const sales: PCollection<KV<string, number>>;
declare const scores: PCollection<KV<string, number>>;
declare const pairs: PCollection<KV<string, number>>;
declare const sessions: PCollection<KV<string, number>>;

interface Click {
  readonly user: string;
  readonly at: number;
}
declare const events: PCollection<Click>;
declare const clicks: PCollection<Click>;
declare const clicksByUser: PCollection<KV<string, Click>>;
declare const requests: PCollection<KV<string, Request>>;

/** A parsed record, and the parser the guide's examples call. */
interface Rec {
  readonly id: string;
}
declare function parse(line: string): Rec | undefined;
declare function lookUpNames(ids: readonly string[]): Promise<string[]>;

/** The state-and-timers guide's sessions. */
interface Session {
  readonly user: string;
  readonly start: number;
  readonly end: number;
  readonly clicks: number;
}
declare const gapMs: number;

/** The event-time guide's worked example. */
declare const MINUTE: number;
declare const accumulation: import("../../sdk/index.js").AccumulationMode;
declare function at(minutes: number, seconds?: number): number;
declare const scoreStream: typeof import("../../samples/event-time.js").scoreStream;
declare const teamScores: typeof import("../../samples/event-time.js").teamScores;
