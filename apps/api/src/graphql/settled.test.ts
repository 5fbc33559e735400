import DataLoader from "dataloader";
import { describe, expect, it } from "vitest";
import { loadNow, prefetch, withValue } from "./settled.ts";

/** A loader over an in-memory table that records each batch it reads; key 13 fails. */
const table = () => {
  const batches: number[][] = [];
  const loader = new DataLoader<number, string>(async (keys) => {
    batches.push([...keys]);
    return keys.map((k) => (k === 13 ? new Error(`no row ${k}`) : `row ${k}`));
  });
  return { loader, batches };
};

describe("settled values (issue 14.4: a list's fields answer without a promise)", () => {
  it("answers a prefetched key at once, read in one batch", async () => {
    const { loader, batches } = table();
    await prefetch(loader, [1, 2, 3]);
    expect(loadNow(loader, 2)).toBe("row 2");
    expect(withValue(loadNow(loader, 3), (v) => v.toUpperCase())).toBe("ROW 3");
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("reads a key that was not prefetched as the loader does (batched, a promise)", async () => {
    const { loader, batches } = table();
    await prefetch(loader, [1]);
    const later = loadNow(loader, 4);
    expect(later).toBeInstanceOf(Promise);
    await expect(withValue(later, (v) => v.toUpperCase())).resolves.toBe("ROW 4");
    expect(batches).toEqual([[1], [4]]);
  });

  it("keeps no failed key: its field reads it again and fails as before", async () => {
    const { loader } = table();
    await prefetch(loader, [12, 13]);
    expect(loadNow(loader, 12)).toBe("row 12");
    await expect(loadNow(loader, 13)).rejects.toThrow("no row 13");
  });

  it("keeps values per loader: another request's loader reads its own", async () => {
    const first = table();
    const second = table();
    await prefetch(first.loader, [5]);
    expect(loadNow(first.loader, 5)).toBe("row 5");
    await expect(loadNow(second.loader, 5)).resolves.toBe("row 5");
    expect(second.batches).toEqual([[5]]);
  });
});
