import type { EntityManager } from "@tidings/db";

export const EVENTS_CHANNEL = "tidings_events";

export type DomainEvent =
  | { type: "issue_created"; projectId: number; issueId: number }
  | { type: "issue_updated"; projectId: number; issueId: number }
  | { type: "note_created"; projectId: number; issueId: number; noteId: number };

/**
 * Publishes through PostgreSQL NOTIFY inside the caller's transaction: listeners in every process
 * receive it only when (and if) the transaction commits. Payloads carry ids only.
 */
export const publishEvent = async (db: EntityManager, event: DomainEvent) => {
  await db.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, JSON.stringify(event)]);
};
