// Issue 13.4: the mail-health cockpit. Every way mail comes in (IMAP and Microsoft Graph mailboxes, the SMTP
// listener, the webhook) and goes out (the outbound SMTP server or the .eml directory), each with its state,
// its last success and its last error; the backlogs and the rates a team watches (rejections, bounces).
// Instance admins see the whole instance and the mailboxes by name; a project's maintainers see their
// project's figures and the channels by role only (no account names, no hosts).
import { createHash } from "node:crypto";
import type { EntityManager } from "@tidings/db";
import { BOUNCE_REASONS } from "../ingest/classify.ts";
import { HEARTBEAT } from "../process/heartbeat.ts";
import { readCanary } from "./canary.ts";

export type ChannelKind = "imap" | "graph" | "smtp_listener" | "webhook" | "outbound" | "canary";
export type ChannelState = "ok" | "failing" | "stale" | "off";

export type MailChannel = {
  /** Stable within an instance (the mailbox key's digest for mailboxes). */
  id: string;
  kind: ChannelKind;
  direction: "in" | "out";
  /** `incoming` / `service_desk` for mailboxes; null for the others. */
  role: string | null;
  /** What the viewer may read of it: the mailbox key for admins (never a password), else the role. */
  name: string;
  state: ChannelState;
  /** Why the state is what it is, in a sentence a person can act on (null when ok). */
  detail: string | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
};

export type MailHealth = {
  checkedAt: Date;
  channels: MailChannel[];
  inbound: {
    backlog: number;
    oldestWaitingSeconds: number;
    received24h: number;
    rejected24h: number;
    quarantined24h: number;
    bounces24h: number;
    /** rejected / received over 24 h; null without mail. */
    rejectionRate: number | null;
  };
  outbound: {
    backlog: number;
    oldestQueuedSeconds: number;
    sent24h: number;
    failed24h: number;
    /** bounces received / emails sent over 24 h; null when nothing was sent. */
    bounceRate: number | null;
  };
};

/** What the deployment runs, from its configuration (the api and the worker share it). */
export type MailHealthFacts = {
  smtpListener: boolean;
  webhook: boolean;
  outbound: "smtp" | "files";
  /** The scheduled canary (CANARY_INTERVAL_MINUTES), and how long before a probe is overdue. */
  canary: { enabled: boolean; alertAfterMinutes: number };
};

export type MailHealthScope = { projectId: number | null; admin: boolean };

/** A mailbox that has not been read for this long, without an error, is stale (its reader is not running). */
export const MAILBOX_STALE_SECONDS = 10 * 60;

/**
 * A mailbox key's role, transport (`graph:` keys are Microsoft Graph; the others IMAP) and id: a short digest
 * of the whole key, stable across restarts, that names the mailbox without its account or server. One rule
 * for the cockpit and /-/metrics.
 */
export const describeMailboxKey = (key: string): { role: string; transport: "imap" | "graph"; id: string } => {
  const parts = key.split(":");
  const graph = parts[0] === "graph";
  return {
    role: (graph ? parts[1] : parts[0]) || "mailbox",
    transport: graph ? "graph" : "imap",
    id: createHash("sha256").update(key).digest("hex").slice(0, 12),
  };
};

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

type CursorRow = {
  mailbox_key: string;
  last_sync_at: Date | null;
  last_error: string | null;
  updated_at: Date;
};

const mailboxChannel = (row: CursorRow, scope: MailHealthScope, now: Date, workerUp: boolean): MailChannel => {
  const { role, transport, id } = describeMailboxKey(row.mailbox_key);
  const quiet = row.last_sync_at === null || now.getTime() - row.last_sync_at.getTime() > MAILBOX_STALE_SECONDS * 1000;
  const state: ChannelState = row.last_error ? "failing" : !workerUp || quiet ? "stale" : "ok";
  const detail =
    state === "failing"
      ? `The last attempt to read the mailbox failed${scope.admin ? `: ${row.last_error}` : " (an admin sees why)."}`
      : state === "stale"
        ? workerUp
          ? `Not read for more than ${MAILBOX_STALE_SECONDS / 60} minutes.`
          : "No worker is running: nothing reads this mailbox."
        : null;
  return {
    id,
    kind: transport,
    direction: "in",
    role,
    name: scope.admin
      ? row.mailbox_key.replace(/^graph:/, "")
      : `${role} (${transport === "graph" ? "Microsoft Graph" : "IMAP"})`,
    state,
    detail,
    lastSuccessAt: row.last_sync_at,
    lastError: scope.admin ? row.last_error : row.last_error ? "The mailbox cannot be read (an admin sees why)." : null,
    lastErrorAt: row.last_error ? row.updated_at : null,
  };
};

export const readMailHealth = async (
  db: EntityManager,
  scope: MailHealthScope,
  facts: MailHealthFacts,
): Promise<MailHealth> => {
  const project = scope.projectId;
  const [[clock], [workers], cursors, [inbound], [lastIn], [outbound], [lastOut]] = await Promise.all([
    db.query(`SELECT now() AS now`),
    db.query(
      `SELECT count(*) FILTER (WHERE kind = 'worker' AND beat_at >= now() - make_interval(secs => $1))::int AS up
         FROM process_heartbeats`,
      [HEARTBEAT.staleAfterMs / 1000],
    ),
    db.query(`SELECT mailbox_key, last_sync_at, last_error, updated_at FROM imap_cursors ORDER BY mailbox_key`),
    db.query(
      `SELECT count(*) FILTER (WHERE status = 'received')::int AS backlog,
              coalesce(extract(epoch FROM now() - min(received_at) FILTER (WHERE status = 'received')), 0)::float AS oldest,
              count(*) FILTER (WHERE received_at > now() - interval '24 hours')::int AS received,
              count(*) FILTER (WHERE received_at > now() - interval '24 hours' AND status = 'rejected')::int AS rejected,
              count(*) FILTER (WHERE received_at > now() - interval '24 hours'
                                 AND status IN ('ignored', 'failed'))::int AS quarantined,
              count(*) FILTER (WHERE received_at > now() - interval '24 hours'
                                 AND reason = ANY($2::text[]))::int AS bounces
         FROM inbound_emails
        WHERE ($1::int IS NULL OR project_id = $1)
          AND (status = 'received' OR received_at > now() - interval '24 hours')`,
      [project, Object.values(BOUNCE_REASONS)],
    ),
    db.query(
      // The newest row of each transport: one descent of the SMTP and webhook rows' index (walking the primary
      // key back, a transport never used read the whole ledger on every look).
      `SELECT (SELECT received_at FROM inbound_emails WHERE transport = 'smtp' ORDER BY id DESC LIMIT 1) AS smtp,
              (SELECT received_at FROM inbound_emails WHERE transport = 'webhook' ORDER BY id DESC LIMIT 1) AS webhook`,
    ),
    db.query(
      `SELECT count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS backlog,
              coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status IN ('queued', 'sending'))), 0)::float AS oldest,
              count(*) FILTER (WHERE status = 'sent' AND updated_at > now() - interval '24 hours')::int AS sent,
              count(*) FILTER (WHERE status = 'failed' AND updated_at > now() - interval '24 hours')::int AS failed
         FROM outbound_emails
        WHERE ($1::int IS NULL OR project_id = $1)
          AND (status IN ('queued', 'sending')
               OR (status IN ('sent', 'failed') AND updated_at > now() - interval '24 hours'))`,
      [project],
    ),
    db.query(
      `SELECT (SELECT updated_at FROM outbound_emails WHERE status = 'sent' ORDER BY updated_at DESC LIMIT 1) AS sent,
              e.last_error, e.updated_at AS error_at
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT last_error, updated_at FROM outbound_emails
            WHERE last_error IS NOT NULL AND status IN ('queued', 'sending')
            ORDER BY updated_at DESC LIMIT 1) e ON true`,
    ),
  ]);
  const canary = facts.canary.enabled ? await readCanary(db, facts.canary.alertAfterMinutes) : null;
  const now: Date = clock.now;
  const workerUp = workers.up > 0;
  const noWorker = "No worker is running.";
  const channels: MailChannel[] = [
    ...cursors.map((row: CursorRow) => mailboxChannel(row, scope, now, workerUp)),
    {
      id: "smtp-listener",
      kind: "smtp_listener",
      direction: "in",
      role: null,
      name: "SMTP listener",
      state: !facts.smtpListener ? "off" : workerUp ? "ok" : "failing",
      detail: !facts.smtpListener ? "Turned off (INBOUND_SMTP_PORT=0)." : workerUp ? null : noWorker,
      lastSuccessAt: lastIn.smtp,
      lastError: null,
      lastErrorAt: null,
    },
    {
      id: "webhook",
      kind: "webhook",
      direction: "in",
      role: null,
      name: "Webhook (POST /-/mail/incoming)",
      state: facts.webhook ? "ok" : "off",
      detail: facts.webhook ? null : "Turned off (MAIL_WEBHOOK_SECRET is not set).",
      lastSuccessAt: lastIn.webhook,
      lastError: null,
      lastErrorAt: null,
    },
    {
      id: "outbound",
      kind: "outbound",
      direction: "out",
      role: null,
      name: facts.outbound === "smtp" ? "Outbound SMTP server" : "Outbound .eml files (no SMTP_URL)",
      // A send that failed and waits for its retry is the server failing; a later success clears it.
      state: !workerUp
        ? "failing"
        : lastOut.last_error && (!lastOut.sent || lastOut.error_at > lastOut.sent)
          ? "failing"
          : "ok",
      detail: !workerUp
        ? `${noWorker} Nothing is sent.`
        : lastOut.last_error && (!lastOut.sent || lastOut.error_at > lastOut.sent)
          ? `The last attempt to send failed and will be retried: ${scope.admin ? lastOut.last_error : "an admin sees why"}`
          : null,
      lastSuccessAt: lastOut.sent,
      lastError: lastOut.last_error ? (scope.admin ? lastOut.last_error : "Sending failed (an admin sees why).") : null,
      lastErrorAt: lastOut.error_at ?? null,
    },
  ];
  channels.push({
    id: "canary",
    kind: "canary",
    direction: "out",
    role: null,
    name: "Canary probe (out and back in)",
    state: !canary ? "off" : canary.overdue ? "failing" : "ok",
    detail: !canary
      ? "Turned off (CANARY_INTERVAL_MINUTES=0)."
      : canary.overdue
        ? `A probe has not come back within ${facts.canary.alertAfterMinutes} minutes: mail may not be arriving. Admins were emailed.`
        : canary.lastRoundTripSeconds !== null
          ? `Last round trip: ${canary.lastRoundTripSeconds} s.`
          : "Waiting for the first probe to come back.",
    lastSuccessAt: canary?.lastArrivedAt ?? null,
    lastError: null,
    lastErrorAt: null,
  });
  return {
    checkedAt: now,
    channels,
    inbound: {
      backlog: inbound.backlog,
      oldestWaitingSeconds: inbound.oldest,
      received24h: inbound.received,
      rejected24h: inbound.rejected,
      quarantined24h: inbound.quarantined,
      bounces24h: inbound.bounces,
      rejectionRate: rate(inbound.rejected, inbound.received),
    },
    outbound: {
      backlog: outbound.backlog,
      oldestQueuedSeconds: outbound.oldest,
      sent24h: outbound.sent,
      failed24h: outbound.failed,
      bounceRate: rate(inbound.bounces, outbound.sent),
    },
  };
};
