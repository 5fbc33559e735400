// Issue 14.4: values a request has already read, readable without a promise. A list reads its rows'
// relations before it returns them (issue-fields.ts); the rows' field resolvers then answer at once,
// and graphql-js completes the page without a promise per field.
import type DataLoader from "dataloader";

/** A value now, or its read (the list's field resolvers return values without a promise: issue 14.4). */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `f` to a value now, or once its read is done. */
export const withValue = <T, U>(value: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> =>
  value instanceof Promise ? value.then(f) : f(value);

/** Per loader (so per request), the values a prefetch has read, keyed as the loader is. */
const SETTLED = new WeakMap<DataLoader<unknown, unknown>, Map<unknown, unknown>>();

/**
 * Reads the keys now (one batch, as field resolvers would have) and keeps their values readable at once
 * by `loadNow`. A list reads its page's relations before returning the rows, so graphql-js completes 50
 * rows without a promise per field (issue 14.4: a third of the list's Node-side time). A key whose read
 * failed is not kept: its field asks again, and fails as before.
 */
export const prefetch = async <K, V>(loader: DataLoader<K, V>, keys: readonly K[]): Promise<void> => {
  const values = await loader.loadMany(keys);
  let settled = SETTLED.get(loader as DataLoader<unknown, unknown>);
  if (!settled) {
    settled = new Map();
    SETTLED.set(loader as DataLoader<unknown, unknown>, settled);
  }
  for (const [i, key] of keys.entries()) if (!(values[i] instanceof Error)) settled.set(key, values[i]);
};

/** The loader's value for the key: at once when prefetched, else its (batched, cached) load. */
export const loadNow = <K, V>(loader: DataLoader<K, V>, key: K): MaybePromise<V> => {
  const settled = SETTLED.get(loader as DataLoader<unknown, unknown>);
  return settled?.has(key) ? (settled.get(key) as V) : loader.load(key);
};
