// A live view (the issue list, a thread: kept current by subscription events) can lose an event to its own
// fetch: the server reads the answer, the event's change is committed and delivered, and then the answer
// arrives and replaces the view without it. While the fetch is in flight Apollo also holds the event's cache
// write back from a cache-first view, or hands the update no data to write into. So an event that arrives
// while the view is fetched in a way that replaces it marks the view, and the view is fetched once more
// after that answer.
import { NetworkStatus, type ObservableQuery } from "@apollo/client";
import { useCallback, useEffect, useState } from "react";

/**
 * The context of a view's query that is fetched again after a change (a mutation's refetch, a live event):
 * each fetch reads the server as it is now. Apollo otherwise lets a fetch join an identical one already in
 * flight, begun before the change, and take its answer: the issue list's fetch after a bulk close showed the
 * closed issue again.
 */
export const FRESH_FETCHES = { queryDeduplication: false } as const;

/**
 * The least time between two fetches caused by raced events. One such fetch goes at once; in a burst of mail
 * (events all the time, so every fetch is crossed by one) an open list is fetched at most this often, and
 * in between the events are written into it as they come.
 */
export const RACED_REFETCH_GAP_MS = 2_000;

/**
 * Whether a fetch in this state replaces what the view shows: its first load, new variables, a refetch.
 * Loading a further page (fetchMore) appends to the view, and an answer is not in flight in the others.
 */
export const fetchReplacesView = (status: NetworkStatus) =>
  status === NetworkStatus.loading || status === NetworkStatus.setVariables || status === NetworkStatus.refetch;

/** The decisions of useRefetchAfterRacedEvent, apart from React (tested on their own). */
export const racedRefetchPlan = (gapMs = RACED_REFETCH_GAP_MS) => {
  let raced = false;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  return {
    /** A live event arrived while the view's query was in this state. */
    event: (status: NetworkStatus) => {
      if (fetchReplacesView(status)) raced = true;
    },
    /** In ms, when the view should be fetched again, now that its query is in this state; null: not now. */
    due: (status: NetworkStatus, now: number): number | null =>
      raced && !fetchReplacesView(status) ? Math.max(0, lastFetchAt + gapMs - now) : null,
    /** The view is being fetched again for its raced events. */
    fetching: (now: number) => {
      raced = false;
      lastFetchAt = now;
    },
  };
};

/**
 * Returns the function a live event's handler calls (for an event about what the view shows). An event that
 * arrives while `observable` is being fetched in a way that replaces the view makes the view fetch once more
 * when that fetch has ended (RACED_REFETCH_GAP_MS after the last such fetch at the soonest).
 */
export const useRefetchAfterRacedEvent = (
  observable: Pick<ObservableQuery, "getCurrentResult">,
  networkStatus: NetworkStatus,
  refetch: () => unknown,
): (() => void) => {
  // One plan for the view's life (created once, not on every render).
  const [plan] = useState(() => racedRefetchPlan());
  useEffect(() => {
    const wait = plan.due(networkStatus, Date.now());
    if (wait === null) return;
    const timer = setTimeout(() => {
      plan.fetching(Date.now());
      void refetch();
    }, wait);
    return () => clearTimeout(timer);
  }, [plan, networkStatus, refetch]);
  // The observable's own state, not the last render's: the fetch may have begun since.
  return useCallback(() => plan.event(observable.getCurrentResult().networkStatus), [plan, observable]);
};
