/**
 * `coGroupByKey`: joins several keyed PCollections on their keys, in one shuffle.
 *
 * ```
 *  a: KV<K, A> ─ Tag(a) ─┐
 *                         ├─ Flatten ─ GroupByKey ─ Untag ─► KV<K, { a: A[], b: B[] }>
 *  b: KV<K, B> ─ Tag(b) ─┘
 * ```
 * Each value is tagged with the index of its input, so one GroupByKey brings all of a key's values together and
 * the untagging sorts them back into one array per input.
 * @module
 */
import { flatten, groupByKey, kv, parDo, type KV, type PBegin, type PCollection, type PTransform } from "../sdk/index.js";

/** The keyed PCollections to join, by the name their values get in the result. */
export type CoGroupByKeyInputs = Readonly<Record<string, PCollection<KV<unknown, unknown>>>>;

/** The key type shared by the inputs. */
export type CoGroupKey<R extends CoGroupByKeyInputs> = R[keyof R] extends PCollection<KV<infer K, unknown>> ? K : never;

/** The values of one key: for each input, all its values for the key (in no particular order). */
export type CoGroupResult<R extends CoGroupByKeyInputs> = {
  readonly [Tag in keyof R]: R[Tag] extends PCollection<KV<unknown, infer V>> ? readonly V[] : never;
};

/** A value on its way through the shared GroupByKey: `[index of its input, value]`. */
type Union = [input: number, value: unknown];

/**
 * Groups the values of every input by key. Apply it to the pipeline, like `flatten`; every key of any input
 * appears once, with an empty array for the inputs that lack it.
 * @example
 * const joined: PCollection<KV<string, { emails: readonly string[]; phones: readonly string[] }>> =
 *   p.apply(coGroupByKey({ emails, phones }));
 * joined.map(({ key, value }) => `${key}: ${value.emails.join(";")} / ${value.phones.join(";")}`);
 */
export function coGroupByKey<R extends CoGroupByKeyInputs>(
  inputs: R,
): PTransform<PBegin, PCollection<KV<CoGroupKey<R>, CoGroupResult<R>>>> {
  const tags = Object.keys(inputs);
  return {
    name: "CoGroupByKey",
    expand(begin) {
      const tagged = tags.map((tag, i) =>
        inputs[tag]!.map((e): KV<unknown, Union> => kv(e.key, [i, e.value]), `Tag(${tag.replaceAll("/", "_")})`),
      );
      return begin.pipeline
        .apply(flatten(tagged))
        .apply(groupByKey<unknown, Union>())
        .apply(
          "Untag",
          parDo<KV<unknown, readonly Union[]>, KV<CoGroupKey<R>, CoGroupResult<R>>>({
            process(group, ctx) {
              const byInput: unknown[][] = tags.map(() => []);
              for (const [i, value] of group.value) byInput[i]!.push(value);
              const result = Object.fromEntries(tags.map((tag, i) => [tag, byInput[i]]));
              ctx.output(kv(group.key as CoGroupKey<R>, result as unknown as CoGroupResult<R>));
            },
          }),
        );
    },
  };
}
