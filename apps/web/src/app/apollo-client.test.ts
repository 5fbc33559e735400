import { describe, expect, it } from "vitest";
import { cursorNodesPagination } from "./apollo-client.ts";

type Page = { nodes: { __ref: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; count: number };
const merge = cursorNodesPagination(["state"]).merge as unknown as (
  existing: Page | undefined,
  incoming: Page,
  options: { args: Record<string, unknown> | null },
) => Page;
const page = (ids: string[], end: string | null, hasNextPage = true): Page => ({
  nodes: ids.map((id) => ({ __ref: `Issue:${id}` })),
  pageInfo: { hasNextPage, endCursor: end },
  count: 5,
});

describe("cursorNodesPagination", () => {
  it("appends a page fetched with after when one is cached", () => {
    const first = page(["1", "2"], "c2");
    const next = merge(first, page(["3", "4"], "c4", false), { args: { after: "c2" } });
    expect(next.nodes.map((n) => n.__ref)).toEqual(["Issue:1", "Issue:2", "Issue:3", "Issue:4"]);
    expect(next.pageInfo).toEqual({ hasNextPage: false, endCursor: "c4" });
  });

  it("replaces the list when the first page is fetched again", () => {
    const cached = page(["1", "2", "3"], "c3");
    expect(merge(cached, page(["9"], "c9"), { args: {} }).nodes).toEqual([{ __ref: "Issue:9" }]);
  });

  it("does not duplicate an issue that moved between pages when the next page overlaps", () => {
    const merged = merge(page(["1", "2"], "c2"), page(["2", "3"], "c3"), { args: { after: "c2" } });
    expect(merged.nodes.map((n) => n.__ref)).toEqual(["Issue:1", "Issue:2", "Issue:3"]);
  });
});
