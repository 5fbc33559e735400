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
