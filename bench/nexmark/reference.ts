/**
 * Plain-TypeScript implementations of the queries over the whole generated event array (no Sluice): what the
 * tests compare each pipeline's output with, and the bench's baseline. Written from the query definitions, not
 * from the pipelines: they share the generator and the configuration, not the logic (windows, joins, winners and
 * tie-breaks are computed here on their own), so a bug in a pipeline shows as a difference.
 *
 * Q12 fires on processing time, so its panes cannot be predicted: its reference is each bidder's total, which
 * the panes of a bidder must add up to.
 */
import type { NexmarkConfig } from "./config.js";
import type { Auction, Bid, Event, Person } from "./model.js";

/** `m.get(k)`, creating it with `make` first. */
function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

const bids = (events: readonly Event[]): Bid[] => events.flatMap((e) => (e.kind === "bid" ? [e.bid] : []));
const auctions = (events: readonly Event[]): Auction[] => events.flatMap((e) => (e.kind === "auction" ? [e.auction] : []));
const persons = (events: readonly Event[]): Person[] => events.flatMap((e) => (e.kind === "person" ? [e.person] : []));

/** Start of the fixed window of `size` ms holding `t`. */
const fixedStart = (t: number, size: number): number => Math.floor(t / size) * size;

/** Starts of the sliding windows (`size` every `period` ms) holding `t`. */
function slidingStarts(t: number, size: number, period: number): number[] {
  const starts: number[] = [];
  for (let s = Math.floor(t / period) * period; s > t - size; s -= period) starts.push(s);
  return starts;
}

/** Each auction with its winning bid: the highest price at or above the reserve while it was open, earliest first. */
function winners(events: readonly Event[]): { auction: Auction; bid: Bid }[] {
  const byAuction = new Map<number, Bid[]>();
  for (const b of bids(events)) getOr(byAuction, b.auction, () => []).push(b);
  const out: { auction: Auction; bid: Bid }[] = [];
  for (const a of auctions(events)) {
    const valid = (byAuction.get(a.id) ?? []).filter((b) => b.dateTime >= a.dateTime && b.dateTime < a.expires && b.price >= a.reserve);
    if (valid.length === 0) continue;
    valid.sort((x, y) => y.price - x.price || x.dateTime - y.dateTime || x.bidder - y.bidder);
    out.push({ auction: a, bid: valid[0]! });
  }
  return out;
}

/** Groups values by a string key, then maps each group. */
function perGroup<T, O>(xs: Iterable<T>, keyOf: (x: T) => string, f: (group: T[]) => O[]): O[] {
  const groups = new Map<string, T[]>();
  for (const x of xs) getOr(groups, keyOf(x), () => []).push(x);
  return [...groups.values()].flatMap(f);
}

/** The expected results of query `q` over `events` (for Q12, per-bidder totals). */
export function reference(q: number, events: readonly Event[], config: NexmarkConfig): unknown[] {
  const size = config.windowSizeSec * 1000;
  const period = config.windowPeriodSec * 1000;
  switch (q) {
    case 0:
      return [...events];
    case 1:
      return bids(events).map((b) => ({ ...b, price: Math.floor((b.price * 89) / 100) }));
    case 2:
      return bids(events)
        .filter((b) => b.auction % config.auctionSkip === 0)
        .map((b) => ({ auction: b.auction, price: b.price }));
    case 3: {
      const sellers = new Map(persons(events).filter((p) => ["OR", "ID", "CA"].includes(p.state)).map((p) => [p.id, p]));
      return auctions(events)
        .filter((a) => a.category === 10 && sellers.has(a.seller))
        .map((a) => {
          const p = sellers.get(a.seller)!;
          return { name: p.name, city: p.city, state: p.state, auction: a.id };
        });
    }
    case 4: {
      // A winning bid is stamped at the end of its auction: expires - 1.
      const sums = new Map<string, { category: number; windowStart: number; sum: number; n: number }>();
      for (const { auction, bid } of winners(events)) {
        for (const s of slidingStarts(auction.expires - 1, size, period)) {
          const acc = getOr(sums, `${auction.category}@${s}`, () => ({ category: auction.category, windowStart: s, sum: 0, n: 0 }));
          acc.sum += bid.price;
          acc.n++;
        }
      }
      return [...sums.values()].map((a) => ({ category: a.category, average: a.sum / a.n, windowStart: a.windowStart, windowEnd: a.windowStart + size }));
    }
    case 5: {
      const counts = new Map<number, Map<number, number>>(); // window start → auction → bids
      for (const b of bids(events)) {
        for (const s of slidingStarts(b.dateTime, size, period)) {
          const perAuction = getOr(counts, s, () => new Map<number, number>());
          perAuction.set(b.auction, (perAuction.get(b.auction) ?? 0) + 1);
        }
      }
      return [...counts].flatMap(([s, perAuction]) => {
        const max = Math.max(...perAuction.values());
        return [...perAuction].filter(([, n]) => n === max).map(([auction]) => ({ auction, count: max, windowStart: s, windowEnd: s + size }));
      });
    }
    case 6:
      return perGroup(winners(events), (w) => String(w.auction.seller), (sales) => {
        sales.sort((x, y) => x.bid.dateTime - y.bid.dateTime || x.auction.id - y.auction.id);
        const last = sales.slice(-10);
        return [{ seller: sales[0]!.auction.seller, average: last.reduce((s, w) => s + w.bid.price, 0) / last.length }];
      });
    case 7:
      return perGroup(bids(events), (b) => String(fixedStart(b.dateTime, size)), (inWindow) => {
        const max = Math.max(...inWindow.map((b) => b.price));
        const s = fixedStart(inWindow[0]!.dateTime, size);
        return inWindow.filter((b) => b.price === max).map((b) => ({ ...b, windowStart: s, windowEnd: s + size }));
      });
    case 8: {
      const newPeople = new Map(persons(events).map((p) => [`${p.id}@${fixedStart(p.dateTime, size)}`, p]));
      return auctions(events).flatMap((a) => {
        const s = fixedStart(a.dateTime, size);
        const p = newPeople.get(`${a.seller}@${s}`);
        return p ? [{ id: p.id, name: p.name, reserve: a.reserve, windowStart: s, windowEnd: s + size }] : [];
      });
    }
    case 9:
      return winners(events);
    case 11:
      return perGroup(bids(events), (b) => String(b.bidder), (mine) => {
        // Sessions: each bid opens [t, t + gap); overlapping ones merge (touching ones do not).
        const times = mine.map((b) => b.dateTime).sort((x, y) => x - y);
        const out: { bidder: number; bids: number; windowStart: number; windowEnd: number }[] = [];
        for (const t of times) {
          const cur = out.at(-1);
          if (cur !== undefined && t < cur.windowEnd) {
            cur.bids++;
            cur.windowEnd = Math.max(cur.windowEnd, t + size);
          } else {
            out.push({ bidder: mine[0]!.bidder, bids: 1, windowStart: t, windowEnd: t + size });
          }
        }
        return out;
      });
    case 12:
      return perGroup(bids(events), (b) => String(b.bidder), (mine) => [{ bidder: mine[0]!.bidder, bids: mine.length }]);
    default:
      throw new RangeError(`no reference for query ${q}`);
  }
}
