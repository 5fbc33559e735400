// Issue 11.5: tell the others on this issue that we are viewing it or typing a reply, and hear about
// them. Presence goes out on open, every 10 s while open, when typing starts (at most every 4 s), in answer
// to someone newly arrived, and on leaving. What is shown follows the rules in presence-state.ts.
import { useMutation, useSubscription } from "@apollo/client/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { IssuePresenceDocument, SetIssuePresenceDocument } from "../__generated__/thread.ts";
import { expired, heard, isTyping, type Presence, type PresenceMap, stateToSend } from "./presence-state.ts";

const HEARTBEAT_MS = 10_000;
const TYPING_EVERY_MS = 4_000;

export const usePresence = (issueId: string, enabled: boolean) => {
  const [setPresence] = useMutation(SetIssuePresenceDocument);
  const [others, setOthers] = useState<PresenceMap>(new Map());
  // When a typing signal last went out (throttled), and when this viewer last typed (null: not since sending).
  const lastTypingSent = useRef(0);
  const lastTypedAt = useRef<number | null>(null);
  const lastGreeting = useRef(0);
  const send = useCallback(
    (state: "viewing" | "typing" | "left") => {
      if (enabled) void setPresence({ variables: { id: issueId, state } }).catch(() => undefined);
    },
    [enabled, issueId, setPresence],
  );

  useSubscription(IssuePresenceDocument, {
    variables: { noteableId: issueId },
    skip: !enabled,
    onData: ({ data }) => {
      const p = data.data?.issuePresence;
      if (!p) return;
      // Someone arrived: say we are here too, so they need not wait for our next heartbeat.
      if (p.state !== "left" && !others.has(p.user.username) && Date.now() - lastGreeting.current > 3_000) {
        lastGreeting.current = Date.now();
        send(stateToSend(lastTypedAt.current, Date.now()));
      }
      const state = p.state === "left" || p.state === "typing" ? p.state : "viewing";
      const event = { username: p.user.username, name: p.user.name, state } as const;
      setOthers((prev) => heard(prev, event, Date.now()));
    },
  });

  useEffect(() => {
    if (!enabled) return;
    send("viewing");
    const beat = setInterval(() => send(stateToSend(lastTypedAt.current, Date.now())), HEARTBEAT_MS);
    const expire = setInterval(() => setOthers((prev) => expired(prev, Date.now())), 2_000);
    const leave = () => send("left");
    window.addEventListener("pagehide", leave);
    return () => {
      clearInterval(beat);
      clearInterval(expire);
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [enabled, send]);

  const typing = useCallback(() => {
    const now = Date.now();
    lastTypedAt.current = now;
    if (now - lastTypingSent.current < TYPING_EVERY_MS) return;
    lastTypingSent.current = now;
    send("typing");
  }, [send]);
  // The reply went out: the others stop seeing "typing" now, not 8 s later.
  const sent = useCallback(() => {
    lastTypedAt.current = null;
    lastTypingSent.current = 0;
    send("viewing");
  }, [send]);

  return { others: [...others.values()], typing, sent };
};

export const PresenceLine = ({ others }: { others: Presence[] }) => {
  if (others.length === 0) return null;
  const now = Date.now();
  const typing = others.filter((o) => isTyping(o, now));
  const viewing = others.filter((o) => !isTyping(o, now));
  const names = (xs: Presence[]) => xs.map((x) => x.name || `@${x.username}`).join(", ");
  return (
    <p className="presence" role="status" aria-live="polite">
      {typing.length ? (
        <strong>
          {names(typing)} {typing.length === 1 ? "is" : "are"} typing a reply…
        </strong>
      ) : null}
      {typing.length && viewing.length ? " · " : null}
      {viewing.length ? (
        <span>
          {names(viewing)} {viewing.length === 1 ? "is" : "are"} viewing
        </span>
      ) : null}
    </p>
  );
};
