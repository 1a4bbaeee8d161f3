import { conformanceCases } from "./matrix.js";
import * as cases from "./cases/coders.cases.js";

/** Every lookahead must match somewhere in the error text. */
function allOf(...parts: RegExp[]): RegExp {
  return new RegExp(`^${parts.map((p) => `(?=[\\s\\S]*${p.source})`).join("")}`);
}

describe("Coders: window coders, setCoder and what cannot cross", () =>
  conformanceCases(cases, {
    intervalWindowSubclassWithoutCoder: {
      expectError: allOf(/step 'AuctionWindowing/, /of class AuctionWindow, a subclass of IntervalWindow/, /give AuctionWindows\(gap=10ms, no coder\) a windowCoder/, /element: .*bids/),
    },
    functionInElement: {
      expectError: allOf(/step 'MakeFormatters'/, /cannot be encoded: it holds a function at \.value\.format/, /setCoder/, /element: .*key: 'k'/),
    },
    symbolInSideInput: {
      expectError: allOf(/step 'MakeTags'/, /an element of MakeTags\.main cannot be encoded: it holds a symbol at \.tag \(Symbol\(t\)\)/),
    },
    classInstanceWithoutCoder: {
      expectError: allOf(/step 'MakePoints'/, /an instance of class Point at \.value/, /setCoder/),
    },
  }));
