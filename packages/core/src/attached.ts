// A value attached to a short-lived object (an api request's context, a DataLoader, a published event) for
// exactly that object's lifetime: a WeakMap's semantics, stored as a hidden property of the object instead.
//
// Why not a WeakMap (issue 14.4): V8's young-generation collector (the scavenger) kept a WeakMap's values
// alive when their keys had died, so what a request kept that way (its loaders, and through them its rows)
// was copied and promoted by the next scavenge. Measured: the api's `readableProject` in a loop, with each
// request's loaders in a WeakMap keyed by its context, promoted 18.9 % of what it allocated (scavenges of
// 17 ms); with the loaders attached as a property, 2.3 % (4 ms). A WeakMap stays right for keys that live as
// long as the process (a data source, an entity's metadata).
//
// The property is a module-private symbol, not enumerable: spreading or copying the object (`{ ...ctx }`)
// does not carry it, as a WeakMap entry would not follow a copy either.

/** Reads and writes one kind of attached value. */
export type Attached<K extends object, V> = {
  get(owner: K): V | undefined;
  /** Attaches the value (replacing any before it) and returns it. */
  set(owner: K, value: V): V;
  /** Detaches the value, if any: the object no longer holds it. */
  clear(owner: K): void;
};

/** A new kind of attached value; `name` only labels the symbol (seen in heap snapshots). */
export const attached = <K extends object, V>(name: string): Attached<K, V> => {
  const key = Symbol(name);
  return {
    get: (owner) => (owner as { [key]?: V })[key],
    set: (owner, value) => {
      Object.defineProperty(owner, key, { value, writable: true, configurable: true, enumerable: false });
      return value;
    },
    clear: (owner) => {
      if (Object.hasOwn(owner, key)) (owner as { [key]?: V })[key] = undefined;
    },
  };
};
