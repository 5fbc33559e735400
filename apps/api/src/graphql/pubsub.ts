import {
  CREDENTIALS_REVOKED_CHANNEL,
  type DomainEvent,
  EVENTS_CHANNEL,
  type Logger,
  type PresenceState,
} from "@tidings/core";
import { startListener } from "@tidings/db";
import { createLocalPubSub } from "./local-pubsub.ts";

export const Topic = {
  IssueCreated: "ISSUE_CREATED",
  IssueUpdated: "ISSUE_UPDATED",
  NoteCreated: "NOTE_CREATED",
  NoteUpdated: "NOTE_UPDATED",
  Presence: "PRESENCE",
  Notification: "NOTIFICATION",
} as const;
export type IssueEventPayload = { projectId: number; issueId: number };
export type NoteEventPayload = { projectId: number; issueId: number; noteId: number };
export type NotificationEventPayload = { projectId: number; issueId: number; userId: number; notificationId: number };
export type PresenceEventPayload = { projectId: number; issueId: number; userId: number; state: PresenceState };

const createTopics = () =>
  createLocalPubSub<{
    [Topic.IssueCreated]: IssueEventPayload;
    [Topic.IssueUpdated]: IssueEventPayload;
    [Topic.NoteCreated]: NoteEventPayload;
    [Topic.NoteUpdated]: NoteEventPayload;
    [Topic.Presence]: PresenceEventPayload;
    [Topic.Notification]: NotificationEventPayload;
  }>();

export type AppPubSub = ReturnType<typeof createTopics> & {
  close: () => Promise<void>;
  /** Called with the digest of every session signed out (or token revoked) on any api node. */
  onSessionRevoked: (listener: (sessionDigest: string) => void) => void;
  /** Called after the LISTEN connection came back: events may have been missed meanwhile. */
  onReconnect: (listener: () => void) => void;
  listenerConnected: () => boolean;
};

/** NOTIFY channel carrying the digest of a session signed out or a token revoked (core owns it). */
export const SESSIONS_CHANNEL = CREDENTIALS_REVOKED_CHANNEL;

/** One event from NOTIFY onto its local topic, with only the ids its topic carries. */
const publishLocally = (local: ReturnType<typeof createTopics>, event: DomainEvent) => {
  const ids = { projectId: event.projectId, issueId: event.issueId };
  switch (event.type) {
    case "issue_created":
      local.publish(Topic.IssueCreated, ids);
      return;
    case "issue_updated":
      local.publish(Topic.IssueUpdated, ids);
      return;
    case "note_created":
      local.publish(Topic.NoteCreated, { ...ids, noteId: event.noteId });
      return;
    case "note_updated":
      local.publish(Topic.NoteUpdated, { ...ids, noteId: event.noteId });
      return;
    case "presence":
      local.publish(Topic.Presence, { ...ids, userId: event.userId, state: event.state });
      return;
    case "notification":
      local.publish(Topic.Notification, { ...ids, userId: event.userId, notificationId: event.notificationId });
      return;
  }
};

/**
 * Every event reaches this process through PostgreSQL LISTEN/NOTIFY — including events this process
 * published itself — so subscribers on every api node see the same stream (G4). Payloads carry ids.
 * The LISTEN connection reconnects whatever happens to it (see @tidings/db's listener); after a
 * reconnect, `onReconnect` listeners run (the server tells browsers to refetch what they may have missed).
 */
export const createPgPubSub = async (
  databaseUrl: string,
  log: Logger,
  opts: { onGiveUp?: (err: unknown) => void; initialDelayMs?: number } = {},
): Promise<AppPubSub> => {
  const local = createTopics();
  const revokedListeners: ((digest: string) => void)[] = [];
  const reconnectListeners: (() => void)[] = [];
  const onNotification = (channel: string, payload: string) => {
    if (channel === SESSIONS_CHANNEL) {
      if (payload) for (const listener of revokedListeners) listener(payload);
      return;
    }
    if (channel !== EVENTS_CHANNEL || !payload) return;
    try {
      const event = JSON.parse(payload) as DomainEvent;
      publishLocally(local, event);
    } catch (err) {
      log.warn({ err }, "pubsub.bad_payload");
    }
  };
  const listener = await startListener({
    databaseUrl,
    channels: [EVENTS_CHANNEL, SESSIONS_CHANNEL],
    applicationName: "tidings-api-listen",
    log,
    onNotification,
    onConnect: ({ reconnect }) => {
      if (reconnect) for (const l of reconnectListeners) l();
    },
    initialDelayMs: opts.initialDelayMs,
    // Events can no longer reach anyone: end the process so the supervisor starts a working one.
    onGiveUp:
      opts.onGiveUp ??
      ((err) =>
        setImmediate(() => {
          throw new Error(`The api's LISTEN connection could not be re-established: ${String(err)}`);
        })),
  });
  return Object.assign(local, {
    onSessionRevoked: (listener: (digest: string) => void) => {
      revokedListeners.push(listener);
    },
    onReconnect: (listener: () => void) => {
      reconnectListeners.push(listener);
    },
    listenerConnected: () => listener.connected(),
    close: () => listener.close(),
  });
};
