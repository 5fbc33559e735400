// A live view (a list kept current by subscription events) can lose an event to its own fetch: the server
// reads the answer, the event's change is committed and delivered, and then the answer arrives and replaces
// the view without it. While the fetch is in flight Apollo also holds the event's cache write back from a
// cache-first view, or hands the update no data to write into. So an event that arrives while the view is
// fetched in a way that replaces it marks the view, and the view is fetched once more after that answer.
import { NetworkStatus, type ObservableQuery } from "@apollo/client";
import { useCallback, useEffect, useRef } from "react";

/**
 * The context of a view's query that is fetched again after a change (a mutation's refetch, a live event):
 * each fetch reads the server as it is now. Apollo otherwise lets a fetch join an identical one already in
 * flight, begun before the change, and take its answer: the issue list's fetch after a bulk close showed the
 * closed issue again.
 */
export const FRESH_FETCHES = { queryDeduplication: false } as const;

/**
 * Whether a fetch in this state replaces what the view shows: its first load, new variables, a refetch.
 * Loading a further page (fetchMore) appends to the view, and an answer is not in flight in the others.
 */
export const fetchReplacesView = (status: NetworkStatus) =>
  status === NetworkStatus.loading || status === NetworkStatus.setVariables || status === NetworkStatus.refetch;

/**
 * Returns the function a live event's handler calls. An event that arrives while `observable` is being
 * fetched in a way that replaces the view makes the view fetch once more when that fetch has ended.
 */
export const useRefetchAfterRacedEvent = (
  observable: Pick<ObservableQuery, "getCurrentResult">,
  networkStatus: NetworkStatus,
  refetch: () => unknown,
): (() => void) => {
  const raced = useRef(false);
  useEffect(() => {
    if (fetchReplacesView(networkStatus) || !raced.current) return;
    raced.current = false;
    void refetch();
  }, [networkStatus, refetch]);
  return useCallback(() => {
    // The observable's own state, not the last render's: the fetch may have begun since.
    if (fetchReplacesView(observable.getCurrentResult().networkStatus)) raced.current = true;
  }, [observable]);
};
