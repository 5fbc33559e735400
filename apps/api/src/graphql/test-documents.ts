// Hostile documents and probes the api's tests share (imported by tests only).

/**
 * Fragments F0…F(levels-1) on `type`, each spreading the next twice, the last asking for `leaf`: 2^levels
 * paths in ~40 bytes a level. A walk that follows every spread takes 2^levels steps.
 */
export const doublingFragments = (levels: number, type: string, leaf: string) =>
  Array.from(
    { length: levels },
    (_, i) => `fragment F${i} on ${type} { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : leaf} }`,
  ).join("\n");

/** The record behind a proxy that counts its property reads (`reads.count`). */
export const countingReads = <T extends object>(record: T) => {
  const reads = { count: 0 };
  const proxy = new Proxy(record, {
    get: (target, name) => {
      reads.count++;
      return Reflect.get(target, name);
    },
  });
  return { proxy, reads };
};
