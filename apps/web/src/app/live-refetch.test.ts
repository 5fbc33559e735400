import { NetworkStatus } from "@apollo/client";
import { describe, expect, it } from "vitest";
import { fetchReplacesView } from "./live-refetch.ts";

describe("fetchReplacesView", () => {
  it("counts the fetches whose answer replaces the view", () => {
    expect(fetchReplacesView(NetworkStatus.loading)).toBe(true);
    expect(fetchReplacesView(NetworkStatus.setVariables)).toBe(true);
    expect(fetchReplacesView(NetworkStatus.refetch)).toBe(true);
  });

  it("not loading a further page, which appends, nor a view with no fetch in flight", () => {
    expect(fetchReplacesView(NetworkStatus.fetchMore)).toBe(false);
    expect(fetchReplacesView(NetworkStatus.ready)).toBe(false);
    expect(fetchReplacesView(NetworkStatus.error)).toBe(false);
  });
});
