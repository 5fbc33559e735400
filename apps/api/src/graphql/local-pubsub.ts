// In-process fan-out of the events this api process received (pubsub.ts feeds it from LISTEN). One event
// reaches every subscription of its topic: with a thousand subscribers that is a thousand queue pushes,
// so this is kept to plain arrays and one pending promise per waiting subscription (no EventTarget, no
// Repeater: those cost more than the rest of the delivery path together, issue 14).

/** Events queued for one subscription that has not taken them yet; beyond this it is ended with an error. */
export const MAX_QUEUED_EVENTS = 1024;

export class SubscriptionOverflowError extends Error {
  constructor() {
    super(
      `More than ${MAX_QUEUED_EVENTS} live events were waiting for this subscription; it was ended. Subscribe again and reload what you show.`,
    );
  }
}

type Topics = Record<string, unknown>;

export const createLocalPubSub = <T extends Topics>() => {
  const listeners = new Map<keyof T, Set<(payload: unknown) => void>>();
  return {
    publish<K extends keyof T>(topic: K, payload: T[K]): void {
      for (const listener of listeners.get(topic) ?? []) listener(payload);
    },
    /**
     * The topic's events from now on (the listener is registered at once, not at the first `next`), in
     * order, each delivered once; `return` unregisters it and ends a pending `next`.
     */
    subscribe<K extends keyof T>(topic: K): AsyncIterableIterator<T[K]> {
      const queue: T[K][] = [];
      let waiting: ((result: IteratorResult<T[K], undefined>) => void) | null = null;
      let failed: Error | null = null;
      let ended = false;
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      const end = () => {
        ended = true;
        set.delete(listener);
        if (set.size === 0 && listeners.get(topic) === set) listeners.delete(topic);
      };
      const listener = (payload: unknown) => {
        if (waiting) {
          const resolve = waiting;
          waiting = null;
          resolve({ done: false, value: payload as T[K] });
        } else if (queue.length >= MAX_QUEUED_EVENTS) {
          failed = new SubscriptionOverflowError();
          queue.length = 0;
          end();
        } else queue.push(payload as T[K]);
      };
      set.add(listener);
      const iterator: AsyncIterableIterator<T[K]> = {
        next: () => {
          if (queue.length) return Promise.resolve({ done: false, value: queue.shift() as T[K] });
          if (failed) return Promise.reject(failed);
          if (ended) return Promise.resolve({ done: true, value: undefined });
          return new Promise((resolve) => {
            waiting = resolve;
          });
        },
        return: () => {
          end();
          queue.length = 0;
          waiting?.({ done: true, value: undefined });
          waiting = null;
          return Promise.resolve({ done: true, value: undefined });
        },
        throw: (err?: unknown) => {
          iterator.return?.();
          return Promise.reject(err);
        },
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    },
    /** How many subscriptions listen to the topic (tests, metrics). */
    listenerCount: (topic: keyof T) => listeners.get(topic)?.size ?? 0,
  };
};

/**
 * The events of `source` that `authorise` turns into something (null: not for this subscriber), pulled
 * one at a time: the next event is taken only when the consumer asks for one, so a subscription finishes
 * with an event (authorised and sent, or dropped) before it takes the next. Ending it ends `source`.
 */
export const authorisedEvents = <P, R>(
  source: AsyncIterable<P>,
  authorise: (event: P) => Promise<R | null>,
): AsyncIterableIterator<R> => {
  const events = source[Symbol.asyncIterator]();
  const done = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<R> = {
    next: async () => {
      for (;;) {
        const next = await events.next();
        if (next.done) return done();
        const authorised = await authorise(next.value);
        if (authorised !== null) return { done: false, value: authorised };
      }
    },
    return: async () => {
      await events.return?.();
      return done();
    },
    throw: async (err?: unknown) => {
      await events.return?.();
      throw err;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
};
