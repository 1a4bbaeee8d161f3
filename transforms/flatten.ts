/**
 * `flatten`: the union of PCollections. A primitive; re-exported here so that every transform can be imported
 * from `sluice/transforms`.
 * @module
 */
export { flatten } from "../sdk/index.js";
