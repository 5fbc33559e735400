// A Map that forgets its least recently used entries beyond a bound. Map keeps insertion order, so an entry
// read again is moved to the end and the first key is always the least recently used. Used where a process
// keeps what it computed (resolved searches, compiled GraphQL operations, validated query texts).
//
// The bound is a number of entries, or, with `weigh`, a total weight: where what is kept grows with the
// input that made it (a parsed or compiled query grows with its text), a count alone lets a few large
// inputs hold any amount of memory. An entry heavier than the whole bound is not kept at all.
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #weights = new Map<K, number>();
  #weight = 0;

  constructor(
    readonly max: number,
    readonly weigh: ((value: V, key: K) => number) | null = null,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** What the entries weigh together (their number, without `weigh`). */
  get weight(): number {
    return this.weigh ? this.#weight : this.#entries.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The value, its place unchanged. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /**
   * Keeps the value as the most recently used; beyond `max`, the least recently used are forgotten. A value
   * heavier than `max` replaces nothing and is not kept.
   */
  set(key: K, value: V): this {
    this.delete(key);
    const weight = this.weigh ? this.weigh(value, key) : 1;
    if (!(weight <= this.max)) return this;
    this.#entries.set(key, value);
    if (this.weigh) {
      this.#weights.set(key, weight);
      this.#weight += weight;
    }
    while (this.weight > this.max) this.delete(this.#entries.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean {
    if (!this.#entries.delete(key)) return false;
    if (this.weigh) {
      this.#weight -= this.#weights.get(key) ?? 0;
      this.#weights.delete(key);
    }
    return true;
  }
}
