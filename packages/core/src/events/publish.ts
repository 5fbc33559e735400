import type { EntityManager } from "@tidings/db";

export const EVENTS_CHANNEL = "tidings_events";

export type DomainEvent =
  | { type: "issue_created"; projectId: number; issueId: number }
  | { type: "issue_updated"; projectId: number; issueId: number }
  | { type: "note_created"; projectId: number; issueId: number; noteId: number }
  | { type: "note_updated"; projectId: number; issueId: number; noteId: number }
  /** Issue 10.2: a user's bell has a new notification (only that user's streams deliver it). */
  | { type: "notification"; projectId: number; issueId: number; userId: number; notificationId: number }
  /** Issue 11.5: who is viewing or replying to an issue right now; never stored. */
  | { type: "presence"; projectId: number; issueId: number; userId: number; state: PresenceState };

export type PresenceState = "viewing" | "typing" | "left";

/**
 * Publishes through PostgreSQL NOTIFY inside the caller's transaction: listeners in every process
 * receive it only when (and if) the transaction commits. Payloads carry ids only.
 */
export const publishEvent = async (db: EntityManager, event: DomainEvent) => {
  await db.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, JSON.stringify(event)]);
};

/** Publishes many events with one statement (same guarantees as publishEvent). */
export const publishEvents = async (db: EntityManager, events: DomainEvent[]) => {
  if (events.length === 0) return;
  await db.query("SELECT pg_notify($1, e) FROM unnest($2::text[]) AS e", [
    EVENTS_CHANNEL,
    events.map((e) => JSON.stringify(e)),
  ]);
};

/** Presence is not data: it is sent at once, outside any transaction, and lost if nobody listens. */
export const publishPresence = async (
  db: EntityManager,
  event: { projectId: number; issueId: number; userId: number; state: PresenceState },
) => {
  await db.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, JSON.stringify({ type: "presence", ...event })]);
};
