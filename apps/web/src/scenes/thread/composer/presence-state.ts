// Issue 11.5: who else is on this issue, as heard from their presence events. Pure, so the rules are tested
// without a browser.
// - The sender says what it is doing in every event: a heartbeat or a greeting from someone who typed in the
//   last 8 s says "typing". (A heartbeat that said "viewing" right after a typing signal hid the typing.)
// - The reader takes the last word, except that a "viewing" heard within 1 s of a "typing" is taken as sent
//   before it: two presence requests in flight can be published in either order.
// - Typing fades after 8 s without a new signal (a lost "left" or a closed laptop); someone not heard from
//   for 45 s is gone; "left" removes at once.

export const EXPIRE_MS = 45_000;
export const TYPING_EXPIRE_MS = 8_000;
export const REORDER_GRACE_MS = 1_000;

export type PresenceState = "viewing" | "typing";
export type PresenceEvent = { username: string; name: string; state: PresenceState | "left" };
/** One other person: when we last heard from them and, if they are typing, since when. */
export type Presence = { username: string; name: string; at: number; typingAt: number | null };
export type PresenceMap = ReadonlyMap<string, Presence>;

/** What a heartbeat or greeting says, given when this viewer last typed (null: not since sending). */
export const stateToSend = (lastTypedAt: number | null, now: number): PresenceState =>
  lastTypedAt !== null && now - lastTypedAt <= TYPING_EXPIRE_MS ? "typing" : "viewing";

export const isTyping = (p: Presence, now: number) => p.typingAt !== null && now - p.typingAt <= TYPING_EXPIRE_MS;

/** The map after one event heard at `now` (the same map when someone unknown leaves). */
export const heard = (prev: PresenceMap, event: PresenceEvent, now: number): PresenceMap => {
  if (event.state === "left") {
    if (!prev.has(event.username)) return prev;
    const next = new Map(prev);
    next.delete(event.username);
    return next;
  }
  const next = new Map(prev);
  const before = prev.get(event.username)?.typingAt ?? null;
  const overtaken = before !== null && now - before <= REORDER_GRACE_MS;
  const typingAt = event.state === "typing" ? now : overtaken ? before : null;
  next.set(event.username, { username: event.username, name: event.name, at: now, typingAt });
  return next;
};

/** The map with the silent removed and faded typing cleared; the same map when nothing changed. */
export const expired = (prev: PresenceMap, now: number): PresenceMap => {
  let changed = false;
  const next = new Map<string, Presence>();
  for (const [k, p] of prev) {
    if (now - p.at > EXPIRE_MS) {
      changed = true;
      continue;
    }
    if (p.typingAt !== null && !isTyping(p, now)) {
      changed = true;
      next.set(k, { ...p, typingAt: null });
    } else next.set(k, p);
  }
  return changed ? next : prev;
};
