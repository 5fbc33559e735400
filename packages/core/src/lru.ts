// A Map of at most `max` entries that forgets the least recently used one first. Map keeps insertion order,
// so an entry read again is moved to the end and the first key is always the least recently used. Used where
// a process keeps what it computed (resolved searches, compiled GraphQL operations).
export class LruMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.#entries.size;
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

  /** Keeps the value as the most recently used; beyond `max`, the least recently used is forgotten. */
  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }
}
