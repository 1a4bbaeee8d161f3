/**
 * Q6, average selling price by seller: for each seller, the mean price of their last 10 winning bids (Beam's Q6).
 * On a stream it fires as Beam's does, in the global window after every winning bid
 * (`Repeatedly(AfterCount(1))`, accumulating: each pane is the seller's current value, `pane` its index). A
 * bounded run uses the default trigger instead, one final value per seller (what the stream's last pane holds),
 * since panes on bounded input depend on how the runner bundles it.
 */
import {
  AfterCount,
  GlobalWindows,
  kv,
  ptransform,
  Repeatedly,
  windowInto,
  type CombineFn,
  type PCollection,
  type PTransform,
  type ProcessContext,
} from "../../../sdk/index.js";
import { combinePerKey } from "../../../transforms/index.js";
import type { NexmarkGenerator } from "../generator.js";
import type { Event } from "../model.js";
import { winningBids } from "./winning-bids.js";

/** One Q6 result; on a stream, with the index of its pane (later panes replace earlier ones). */
export interface SellerPrice {
  readonly seller: number;
  readonly average: number;
  readonly pane?: number;
}

/** A sale: what the last-10 order needs. */
interface Sale {
  readonly price: number;
  readonly dateTime: number;
  readonly auction: number;
}

/** How many of a seller's latest sales Q6 averages. */
export const Q6_LAST = 10;

/** Later sales last; the auction id breaks ties so that "the last 10" is one set (shared with the reference). */
export const saleOrder = (a: Sale, b: Sale): number => a.dateTime - b.dateTime || a.auction - b.auction;

const lastSalesMean: CombineFn<Sale, Sale[], number> = {
  createAccumulator: () => [],
  addInput(acc, s) {
    acc.push(s);
    if (acc.length > 2 * Q6_LAST) return acc.sort(saleOrder).slice(-Q6_LAST);
    return acc;
  },
  mergeAccumulators: (accs) => accs.flat().sort(saleOrder).slice(-Q6_LAST),
  extractOutput(acc) {
    const last = [...acc].sort(saleOrder).slice(-Q6_LAST);
    return last.reduce((sum, s) => sum + s.price, 0) / last.length;
  },
};

/** Q6: per seller, the mean of their last 10 selling prices (`streaming`: updated after every sale). */
export function query6(gen: NexmarkGenerator, streaming = false): PTransform<PCollection<Event>, PCollection<SellerPrice>> {
  return ptransform("Query6", (events: PCollection<Event>) => {
    const means = events
      .apply(winningBids(gen))
      .map(({ auction, bid }) => kv(auction.seller, { price: bid.price, dateTime: bid.dateTime, auction: auction.id }), "KeyBySeller")
      .apply(
        windowInto(
          new GlobalWindows(),
          streaming ? { trigger: Repeatedly(AfterCount(1)), accumulation: "ACCUMULATING" } : {},
        ),
      )
      .apply("LastTenMean", combinePerKey(lastSalesMean));
    if (!streaming) return means.map(({ key, value }): SellerPrice => ({ seller: key, average: value }), "Format");
    return means.parDo<SellerPrice>(
      {
        process({ key, value }, ctx: ProcessContext<SellerPrice>) {
          ctx.output({ seller: key, average: value, pane: ctx.pane.index });
        },
      },
      { name: "Format" },
    );
  });
}
