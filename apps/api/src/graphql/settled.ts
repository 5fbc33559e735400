// Issue 14.4: values a request has already read, readable without a promise. A list reads its rows'
// relations before it returns them (issue-fields.ts); the rows' field resolvers then answer at once,
// and graphql-js completes the page without a promise per field.
import { attached } from "@tidings/core";
import type DataLoader from "dataloader";

/** A value now, or its read (the list's field resolvers return values without a promise: issue 14.4). */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `f` to a value now, or once its read is done. */
export const withValue = <T, U>(value: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> =>
  value instanceof Promise ? value.then(f) : f(value);

/**
 * Per loader (so per request), the values a prefetch has read, keyed as the loader is. On the loader, not
 * in a WeakMap keyed by it (core's attached.ts says why).
 */
const SETTLED = attached<object, Map<unknown, unknown>>("settled");

const settledOf = <K, V>(loader: DataLoader<K, V>): Map<K, V> | undefined =>
  SETTLED.get(loader) as Map<K, V> | undefined;

/**
 * Reads the keys now (one batch, as field resolvers would have) and keeps their values readable at once
 * by `loadNow`. A list reads its page's relations before returning the rows, so graphql-js completes 50
 * rows without a promise per field (issue 14.4). A key whose read failed is not kept: its field asks again,
 * and fails as before.
 */
export const prefetch = async <K, V>(loader: DataLoader<K, V>, keys: readonly K[]): Promise<void> => {
  const values = await loader.loadMany(keys);
  const settled = settledOf(loader) ?? new Map<K, V>();
  SETTLED.set(loader, settled);
  for (const [i, key] of keys.entries()) {
    const value = values[i];
    if (!(value instanceof Error)) settled.set(key, value);
  }
};

/** The loader's value for the key: at once when prefetched, else its (batched, cached) load. */
export const loadNow = <K, V>(loader: DataLoader<K, V>, key: K): MaybePromise<V> => {
  const settled = settledOf(loader);
  return settled?.has(key) ? (settled.get(key) as V) : loader.load(key);
};
