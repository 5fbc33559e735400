import { NetworkStatus } from "@apollo/client";
import { describe, expect, it } from "vitest";
import { fetchReplacesView, racedRefetchPlan } from "./live-refetch.ts";

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

describe("racedRefetchPlan", () => {
  it("fetches the view again at once after a fetch that an event crossed", () => {
    const plan = racedRefetchPlan(2_000);
    plan.event(NetworkStatus.refetch);
    expect(plan.due(NetworkStatus.refetch, 0)).toBeNull(); // still in flight
    expect(plan.due(NetworkStatus.ready, 10)).toBe(0);
  });

  it("not for an event while nothing replaces the view (it is written into the view as it comes)", () => {
    const plan = racedRefetchPlan(2_000);
    plan.event(NetworkStatus.ready);
    plan.event(NetworkStatus.fetchMore);
    expect(plan.due(NetworkStatus.ready, 10)).toBeNull();
  });

  it("fetches once for the events of one fetch, and in a burst at most once per gap", () => {
    const plan = racedRefetchPlan(2_000);
    plan.event(NetworkStatus.loading);
    plan.event(NetworkStatus.loading);
    expect(plan.due(NetworkStatus.ready, 1_000)).toBe(0);
    plan.fetching(1_000);
    expect(plan.due(NetworkStatus.ready, 1_001)).toBeNull();
    // The fetch it made is crossed by another event: the next one waits for the rest of the gap.
    plan.event(NetworkStatus.refetch);
    expect(plan.due(NetworkStatus.ready, 1_300)).toBe(1_700);
    expect(plan.due(NetworkStatus.ready, 3_500)).toBe(0);
  });
});
