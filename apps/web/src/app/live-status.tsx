// Whether live updates are flowing: the GraphQL WebSocket is open ("live"), closed on purpose or not
// needed ("idle"), or lost and being re-established ("reconnecting"). The shell shows the last state;
// when a lost socket comes back, the client refetches the active queries (see apollo-client.ts), because
// events sent while it was away are gone.
import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";

export type LiveState = "idle" | "live" | "reconnecting";

/** A socket closed by the client itself (lazy close, or restarted on sign-in/out) is not a loss. */
export const stateAfterClose = (code: number): LiveState => (code === 1000 || code === 4499 ? "idle" : "reconnecting");

export type LiveStatus = {
  get: () => LiveState;
  set: (state: LiveState) => void;
  subscribe: (listener: () => void) => () => void;
};

export const createLiveStatus = (): LiveStatus => {
  let state: LiveState = "idle";
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set: (next) => {
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};

const LiveStatusContext = createContext<LiveStatus | null>(null);

export const LiveStatusProvider = ({ status, children }: { status: LiveStatus; children: ReactNode }) => (
  <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>
);

export const useLiveState = (): LiveState => {
  const status = useContext(LiveStatusContext);
  return useSyncExternalStore(
    (l) => status?.subscribe(l) ?? (() => undefined),
    () => status?.get() ?? "idle",
  );
};

/** Shown while live updates are interrupted; polite, so screen readers announce it without interrupting. */
export const ReconnectingBanner = () =>
  useLiveState() === "reconnecting" ? (
    <div className="live-banner" role="status">
      Reconnecting… live updates are paused; what changed meanwhile will be loaded when the connection is back.
    </div>
  ) : null;
