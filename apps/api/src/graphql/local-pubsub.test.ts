import { describe, expect, it } from "vitest";
import { authorisedEvents, createLocalPubSub, MAX_QUEUED_EVENTS, SubscriptionOverflowError } from "./local-pubsub.ts";

type Topics = { A: number; B: number };

describe("createLocalPubSub", () => {
  it("delivers every event of the topic to every subscription, in order, from the moment it subscribed", async () => {
    const pubSub = createLocalPubSub<Topics>();
    pubSub.publish("A", 0); // before anyone listens: nobody gets it
    const first = pubSub.subscribe("A");
    const second = pubSub.subscribe("A");
    const other = pubSub.subscribe("B");
    pubSub.publish("A", 1); // queued: nobody has called next yet
    const pending = first.next();
    pubSub.publish("A", 2);
    pubSub.publish("B", 9);
    expect(await pending).toEqual({ done: false, value: 1 });
    expect(await first.next()).toEqual({ done: false, value: 2 });
    expect([await second.next(), await second.next()]).toEqual([
      { done: false, value: 1 },
      { done: false, value: 2 },
    ]);
    expect(await other.next()).toEqual({ done: false, value: 9 });
  });

  it("ends a pending next and stops listening on return", async () => {
    const pubSub = createLocalPubSub<Topics>();
    const sub = pubSub.subscribe("A");
    const pending = sub.next();
    expect(pubSub.listenerCount("A")).toBe(1);
    await sub.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(pubSub.listenerCount("A")).toBe(0);
    pubSub.publish("A", 1);
    expect(await sub.next()).toEqual({ done: true, value: undefined });
  });

  it("ends a subscription that lets more than the limit of events pile up, with an actionable error", async () => {
    const pubSub = createLocalPubSub<Topics>();
    const slow = pubSub.subscribe("A");
    const fast = pubSub.subscribe("A");
    for (let i = 0; i <= MAX_QUEUED_EVENTS; i++) {
      pubSub.publish("A", i);
      await fast.next();
    }
    await expect(slow.next()).rejects.toBeInstanceOf(SubscriptionOverflowError);
    expect(pubSub.listenerCount("A")).toBe(1);
  });
});

describe("authorisedEvents", () => {
  it("passes what authorise returns, drops nulls, and pulls the next event only when asked", async () => {
    const pubSub = createLocalPubSub<Topics>();
    let pulls = 0;
    const source = pubSub.subscribe("A");
    const counted: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          pulls++;
          return source.next();
        },
        return: () => source.return?.() ?? Promise.resolve({ done: true, value: undefined }),
      }),
    };
    const seen: number[] = [];
    const stream = authorisedEvents(counted, async (n) => {
      seen.push(n);
      return n % 2 ? `odd ${n}` : null;
    });
    for (const n of [1, 2, 3]) pubSub.publish("A", n);
    expect(await stream.next()).toEqual({ done: false, value: "odd 1" });
    expect(pulls).toBe(1);
    expect(await stream.next()).toEqual({ done: false, value: "odd 3" });
    expect({ pulls, seen }).toEqual({ pulls: 3, seen: [1, 2, 3] });
    const waiting = stream.next();
    await stream.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(pubSub.listenerCount("A")).toBe(0);
  });
});
