// Issue 11.5: tell the others on this issue that we are viewing it or typing a reply, and hear about
// them. Presence goes out on open, every 10 s while open, when typing starts (at most every 4 s), in answer
// to someone newly arrived, and on leaving; someone not heard from for 45 s is no longer shown.
import { useMutation, useSubscription } from "@apollo/client/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { IssuePresenceDocument, SetIssuePresenceDocument } from "../../../graphql/__generated__/graphql.ts";

export type Presence = { username: string; name: string; state: "viewing" | "typing"; at: number };

const HEARTBEAT_MS = 10_000;
const TYPING_EVERY_MS = 4_000;
const EXPIRE_MS = 45_000;
const TYPING_EXPIRE_MS = 8_000;

export const usePresence = (issueId: string, enabled: boolean) => {
  const [setPresence] = useMutation(SetIssuePresenceDocument);
  const [others, setOthers] = useState<Map<string, Presence>>(new Map());
  const lastTyping = useRef(0);
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
        send("viewing");
      }
      setOthers((prev) => {
        const next = new Map(prev);
        if (p.state === "left") next.delete(p.user.username);
        else
          next.set(p.user.username, {
            username: p.user.username,
            name: p.user.name,
            state: p.state === "typing" ? "typing" : "viewing",
            at: Date.now(),
          });
        return next;
      });
    },
  });

  useEffect(() => {
    if (!enabled) return;
    send("viewing");
    const beat = setInterval(() => send("viewing"), HEARTBEAT_MS);
    const expire = setInterval(() => {
      const now = Date.now();
      setOthers((prev) => {
        let changed = false;
        const next = new Map<string, Presence>();
        for (const [k, v] of prev) {
          if (now - v.at > EXPIRE_MS) {
            changed = true;
            continue;
          }
          const typingStale = v.state === "typing" && now - v.at > TYPING_EXPIRE_MS;
          if (typingStale) changed = true;
          next.set(k, typingStale ? { ...v, state: "viewing" } : v);
        }
        return changed ? next : prev;
      });
    }, 2_000);
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
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = now;
    send("typing");
  }, [send]);

  return { others: [...others.values()], typing };
};

export const PresenceLine = ({ others }: { others: Presence[] }) => {
  if (others.length === 0) return null;
  const typing = others.filter((o) => o.state === "typing");
  const viewing = others.filter((o) => o.state === "viewing");
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
