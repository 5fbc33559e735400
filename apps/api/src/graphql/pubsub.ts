import { createPubSub } from "@graphql-yoga/subscription";
import { CREDENTIALS_REVOKED_CHANNEL, type DomainEvent, EVENTS_CHANNEL, type Logger } from "@tidings/core";
import pg from "pg";

export const Topic = {
  IssueCreated: "ISSUE_CREATED",
  IssueUpdated: "ISSUE_UPDATED",
  NoteCreated: "NOTE_CREATED",
} as const;
export type IssueEventPayload = { projectId: number; issueId: number };
export type NoteEventPayload = { projectId: number; issueId: number; noteId: number };

const createLocalPubSub = () =>
  createPubSub<{
    [Topic.IssueCreated]: [IssueEventPayload];
    [Topic.IssueUpdated]: [IssueEventPayload];
    [Topic.NoteCreated]: [NoteEventPayload];
  }>();

export type AppPubSub = ReturnType<typeof createLocalPubSub> & {
  close: () => Promise<void>;
  /** Called with the digest of every session signed out on any api node. */
  onSessionRevoked: (listener: (sessionDigest: string) => void) => void;
};

/** NOTIFY channel carrying the digest of a session signed out or a token revoked (core owns it). */
export const SESSIONS_CHANNEL = CREDENTIALS_REVOKED_CHANNEL;

const TOPIC_OF: Record<DomainEvent["type"], (typeof Topic)[keyof typeof Topic]> = {
  issue_created: Topic.IssueCreated,
  issue_updated: Topic.IssueUpdated,
  note_created: Topic.NoteCreated,
};

/**
 * Every event reaches this process through PostgreSQL LISTEN/NOTIFY — including events this process
 * published itself — so subscribers on every api node see the same stream (G4). Payloads carry ids.
 */
export const createPgPubSub = async (databaseUrl: string, log: Logger): Promise<AppPubSub> => {
  const local = createLocalPubSub();
  const revokedListeners: ((digest: string) => void)[] = [];
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString: databaseUrl, application_name: "tidings-api-listen" });
    c.on("notification", (msg) => {
      if (msg.channel === SESSIONS_CHANNEL && msg.payload) {
        for (const listener of revokedListeners) listener(msg.payload);
        return;
      }
      if (msg.channel !== EVENTS_CHANNEL || !msg.payload) return;
      try {
        const event = JSON.parse(msg.payload) as DomainEvent;
        const topic = TOPIC_OF[event.type];
        if (topic === Topic.NoteCreated && event.type === "note_created") local.publish(topic, event);
        else if (topic && event.type !== "note_created")
          local.publish(topic, { projectId: event.projectId, issueId: event.issueId });
      } catch (err) {
        log.warn({ err }, "pubsub.bad_payload");
      }
    });
    c.on("error", (err) => {
      log.warn({ err }, "pubsub.connection_error");
      client = null;
      if (!closed) retry = setTimeout(() => void connect().catch(() => undefined), 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    await c.query(`LISTEN ${SESSIONS_CHANNEL}`);
    client = c;
  };
  await connect();
  return Object.assign(local, {
    onSessionRevoked: (listener: (digest: string) => void) => {
      revokedListeners.push(listener);
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  });
};
