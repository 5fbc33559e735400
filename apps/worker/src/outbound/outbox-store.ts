// The outbox rows' state machine in SQL: queued → sending (claimed) → sent | queued (retry) | failed.
// Every transition after the claim is conditioned on the claim's attempt number, so a runner whose
// claim was taken over can no longer change the row.
import { EVENTS_CHANNEL } from "@tidings/core";
import type { DataSource, OutboundAttachment, OutboundRender } from "@tidings/db";
import { LIVE_OWNERS_SQL, type SessionQuery } from "./claim-session.ts";

export type ClaimedEmail = {
  id: number;
  kind: string;
  projectId: number | null;
  issueId: number | null;
  toAddress: string;
  fromName: string | null;
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
  /** The bodies as queued, or null: then `render` holds what they are rendered from (issue 14.3). */
  textBody: string | null;
  htmlBody: string | null;
  render: OutboundRender | null;
  attachments: OutboundAttachment[];
  /** This attempt's number (1 for the first); the token of the lease. */
  attempts: number;
  createdAt: Date;
  /** The participant unsubscribed after the email was queued (D4: nothing more is sent). */
  recipientUnsubscribed: boolean;
};

type Row = {
  id: number;
  kind: string;
  project_id: number | null;
  issue_id: number | null;
  to_address: string;
  from_name: string | null;
  subject: string;
  message_id: string;
  in_reply_to: string | null;
  references: string[];
  headers: Record<string, string>;
  text_body: string | null;
  html_body: string | null;
  render: OutboundRender | null;
  attachments: OutboundAttachment[];
  attempts: number;
  created_at: Date;
  unsubscribed: boolean | null;
};

const toClaimed = (r: Row): ClaimedEmail => ({
  id: r.id,
  kind: r.kind,
  projectId: r.project_id,
  issueId: r.issue_id,
  toAddress: r.to_address,
  fromName: r.from_name,
  subject: r.subject,
  messageId: r.message_id,
  inReplyTo: r.in_reply_to,
  references: r.references ?? [],
  headers: r.headers ?? {},
  textBody: r.text_body,
  htmlBody: r.html_body,
  render: r.render,
  attachments: r.attachments ?? [],
  attempts: r.attempts,
  createdAt: r.created_at,
  recipientUnsubscribed: r.unsubscribed === true,
});

/**
 * Claims up to `limit` due emails for the session `owner`: queued ones whose time has come, and sending
 * ones whose runner is gone — its session lock is no longer held (it died: taken at once) or its lease
 * expired (alive but wedged). Concurrent runners skip each other's rows (FOR UPDATE SKIP LOCKED). A claim
 * taken over after its send had begun counts in `interrupted_sends`. Runs on the owner's session.
 */
export const claimDueEmails = async (
  q: SessionQuery,
  owner: number,
  limit: number,
  leaseMs: number,
): Promise<ClaimedEmail[]> => {
  const rows = await q<Row>(
    `WITH due AS (
       SELECT id FROM outbound_emails
        WHERE (status = 'queued' AND next_attempt_at <= now())
           OR (status = 'sending' AND (locked_until < now() OR claimed_by NOT IN (${LIVE_OWNERS_SQL})))
        ORDER BY next_attempt_at, id
        LIMIT $1
        FOR UPDATE SKIP LOCKED
     )
     UPDATE outbound_emails o
        SET status = 'sending', locked_until = now() + $2 * interval '1 millisecond',
            attempts = o.attempts + 1, claimed_by = $3, send_started_at = NULL,
            interrupted_sends = o.interrupted_sends + (o.status = 'sending' AND o.send_started_at IS NOT NULL)::int,
            updated_at = now()
       FROM due WHERE o.id = due.id
     RETURNING o.id, o.kind, o.project_id, o.issue_id, o.to_address, o.from_name, o.subject, o.message_id,
               o.in_reply_to, o."references", o.headers, o.text_body, o.html_body, o.render, o.attachments, o.attempts,
               o.created_at,
               (SELECT p.unsubscribed_at IS NOT NULL
                  FROM sent_notifications s JOIN issue_email_participants p ON p.id = s.participant_id
                 WHERE s.reply_key_digest = encode(sha256(convert_to(o.reply_key, 'UTF8')), 'hex')) AS unsubscribed`,
    [limit, leaseMs, owner],
  );
  return rows.map(toClaimed).sort((a, b) => a.id - b.id);
};

type Claim = { id: number; attempts: number };

/**
 * Keeps the claims this runner still holds under `owner` and extends their lease (a slow server, a large
 * attachment); after a new session, this takes back the claims nobody else has taken meanwhile. Returns
 * the ids still held. Runs on the owner's session.
 */
export const holdClaims = async (q: SessionQuery, owner: number, claims: Claim[], leaseMs: number) => {
  if (claims.length === 0) return new Set<number>();
  const rows = await q<{ id: number }>(
    `UPDATE outbound_emails o SET locked_until = now() + $3 * interval '1 millisecond', claimed_by = $4
       FROM unnest($1::int[], $2::int[]) AS c(id, attempts)
      WHERE o.id = c.id AND o.attempts = c.attempts AND o.status = 'sending'
     RETURNING o.id`,
    [claims.map((c) => c.id), claims.map((c) => c.attempts), leaseMs, owner],
  );
  return new Set(rows.map((r) => r.id));
};

/**
 * Marks the start of the SMTP conversation, only while the claim is still this session's. False: the
 * claim was taken over (this runner lost its session), so the email must not be sent from here.
 */
export const markSendStarted = async (q: SessionQuery, owner: number, claim: Claim) =>
  (
    await q(
      `UPDATE outbound_emails SET send_started_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'sending' AND claimed_by = $3 RETURNING id`,
      [claim.id, claim.attempts, owner],
    )
  ).length > 0;

// Each transition also tells the issue's viewers (issue_updated), so the email log updates live.
const transition = (set: string) =>
  `WITH u AS (
     UPDATE outbound_emails SET ${set}, locked_until = NULL, claimed_by = NULL, updated_at = now()
      WHERE id = $1 AND attempts = $2 AND status = 'sending'
      RETURNING project_id, issue_id
   ), notified AS (
     SELECT pg_notify('${EVENTS_CHANNEL}',
              json_build_object('type', 'issue_updated', 'projectId', project_id, 'issueId', issue_id)::text)
       FROM u WHERE issue_id IS NOT NULL
   )
   SELECT (SELECT count(*) FROM u)::int AS n, (SELECT count(*) FROM notified)::int AS notified`;

const changed = (rows: { n: number }[]) => (rows[0]?.n ?? 0) > 0;

/** The server accepted the email (its answer kept, issue 11.7). Returns false when the lease had been lost to another runner. */
export const markSent = async (ds: DataSource, claim: { id: number; attempts: number }, response = "") =>
  changed(
    await ds.query(transition("status = 'sent', sent_at = now(), last_error = NULL, server_response = $3"), [
      claim.id,
      claim.attempts,
      response.slice(0, 500),
    ]),
  );

/** A transient failure: back to the queue, due again after `delayMs`. */
export const markRetry = async (
  ds: DataSource,
  claim: { id: number; attempts: number },
  delayMs: number,
  error: string,
) =>
  changed(
    await ds.query(
      transition("status = 'queued', next_attempt_at = now() + $3 * interval '1 millisecond', last_error = $4"),
      [claim.id, claim.attempts, delayMs, error],
    ),
  );

/** A permanent failure (or retries exhausted): shown on the issue with the reason. */
export const markFailed = async (ds: DataSource, claim: { id: number; attempts: number }, error: string) =>
  changed(await ds.query(transition("status = 'failed', last_error = $3"), [claim.id, claim.attempts, error]));

/** Gives back claimed emails that were never attempted (the runner is stopping): due again at once. */
export const releaseClaims = async (ds: DataSource, claims: { id: number; attempts: number }[]) => {
  if (claims.length === 0) return;
  await ds.query(
    `UPDATE outbound_emails o
        SET status = 'queued', attempts = o.attempts - 1, locked_until = NULL, claimed_by = NULL, updated_at = now()
       FROM unnest($1::int[], $2::int[]) AS c(id, attempts)
      WHERE o.id = c.id AND o.attempts = c.attempts AND o.status = 'sending'`,
    [claims.map((c) => c.id), claims.map((c) => c.attempts)],
  );
};
