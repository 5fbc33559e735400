import { describe, expect, it } from "vitest";
import { LruMap } from "./lru.ts";

describe("LruMap", () => {
  it("keeps at most max entries and forgets the least recently used first; peek does not count as a use", () => {
    const lru = new LruMap<string, number>(2);
    lru.set("a", 1).set("b", 2);
    expect(lru.get("a")).toBe(1); // "b" is now the least recently used
    lru.set("c", 3);
    expect([lru.peek("a"), lru.peek("b"), lru.peek("c"), lru.size]).toEqual([1, undefined, 3, 2]);
    expect(lru.peek("a")).toBe(1); // still the least recently used: "c" was set after it was read
    lru.set("d", 4);
    expect([lru.peek("a"), lru.peek("c"), lru.peek("d")]).toEqual([undefined, 3, 4]);
    expect(lru.delete("c")).toBe(true);
    expect(lru.size).toBe(1);
  });
});

describe("LruMap bounded by weight", () => {
  it("keeps entries up to a total weight, forgetting the least recently used first", () => {
    const lru = new LruMap<string, string>(10, (text) => text.length);
    lru.set("a", "aaaa").set("b", "bbbb");
    expect(lru.weight).toBe(8);
    lru.get("a"); // "b" is now the least recently used
    lru.set("c", "ccc"); // 11 > 10: "b" goes
    expect([lru.peek("a"), lru.peek("b"), lru.peek("c"), lru.weight]).toEqual(["aaaa", undefined, "ccc", 7]);
    lru.set("a", "a"); // replacing an entry replaces its weight
    expect(lru.weight).toBe(4);
    lru.set("d", "dddddddd"); // 12: "c" goes, the least recently used, and that is enough
    expect([lru.peek("c"), lru.peek("a"), lru.peek("d"), lru.weight]).toEqual([undefined, "a", "dddddddd", 9]);
    expect(lru.delete("d")).toBe(true);
    expect([lru.size, lru.weight]).toEqual([1, 1]);
  });

  it("never keeps an entry heavier than the whole bound, and forgets nothing for it", () => {
    const lru = new LruMap<string, string>(10, (text) => text.length);
    lru.set("a", "aaaa");
    lru.set("big", "x".repeat(11));
    expect([lru.peek("big"), lru.peek("a"), lru.weight]).toEqual([undefined, "aaaa", 4]);
    // An entry that grows past the bound is dropped, not kept at its old weight.
    lru.set("a", "y".repeat(11));
    expect([lru.peek("a"), lru.size, lru.weight]).toEqual([undefined, 0, 0]);
  });
});
