import type { EntityManager } from "@tidings/db";
import { readMailStatusCounts } from "./mail-status-counts.ts";

export type MailMetrics = {
  inboundByStatus: Record<string, number>;
  /** Messages stored but not applied yet, and how long the oldest has waited. */
  inboundBacklog: number;
  inboundOldestUnprocessedSeconds: number;
  /** Store-to-outcome latency over the last hour (of mail stored within LATENCY_STORED_WITHIN). */
  inboundLatencySeconds: { p50: number; p95: number; count: number };
  outboundByStatus: Record<string, number>;
  outboundBacklog: number;
  outboundOldestQueuedSeconds: number;
  /** Sends taken over after they had begun (a worker died mid-send): each may have arrived twice. */
  outboundInterruptedSends: number;
  mailboxes: { mailbox: string; lastSyncAgeSeconds: number | null; failing: boolean }[];
};

/**
 * The latency covers messages stored within this long: found by the ledger's received_at index, so a
 * scrape reads the last day's mail, not every message ever processed (there is no processed_at index). A
 * message that waited longer shows while it waits, in the backlog and its oldest age.
 */
export const LATENCY_STORED_WITHIN = "1 day";

/**
 * G2: what an operator watches to know mail is flowing (read on each scrape). Every read is bounded by an
 * index condition or by what changed since the last fold (operations/grown-tables.int.test.ts): the counts
 * by outcome, of all mail ever handled, are kept by the database (mail-status-counts.ts), not counted.
 */
export const readMailMetrics = async (db: EntityManager): Promise<MailMetrics> => {
  const [inbound, inboundWait, latency, outbound, outboundWait, cursors, interrupted] = await Promise.all([
    readMailStatusCounts(db, "inbound"),
    db.query(
      `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(received_at)), 0)::float AS age
         FROM inbound_emails WHERE status = 'received'`,
    ),
    db.query(
      `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY s), 0)::float AS p50,
              coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY s), 0)::float AS p95, count(*)::int AS n
         FROM (SELECT extract(epoch FROM processed_at - received_at) AS s FROM inbound_emails
                WHERE received_at > now() - interval '${LATENCY_STORED_WITHIN}'
                  AND processed_at > now() - interval '1 hour') t`,
    ),
    readMailStatusCounts(db, "outbound"),
    db.query(
      `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS age
         FROM outbound_emails WHERE status IN ('queued', 'sending')`,
    ),
    db.query(
      `SELECT mailbox_key, extract(epoch FROM now() - last_sync_at)::float AS age, last_error IS NOT NULL AS failing
         FROM imap_cursors ORDER BY mailbox_key`,
    ),
    db.query(`SELECT coalesce(sum(interrupted_sends), 0)::int AS n FROM outbound_emails WHERE interrupted_sends > 0`),
  ]);
  return {
    inboundByStatus: inbound,
    inboundBacklog: inboundWait[0].n,
    inboundOldestUnprocessedSeconds: inboundWait[0].age,
    inboundLatencySeconds: { p50: latency[0].p50, p95: latency[0].p95, count: latency[0].n },
    outboundByStatus: outbound,
    outboundBacklog: outboundWait[0].n,
    outboundOldestQueuedSeconds: outboundWait[0].age,
    outboundInterruptedSends: interrupted[0].n,
    mailboxes: cursors.map((c: { mailbox_key: string; age: number | null; failing: boolean }) => ({
      mailbox: c.mailbox_key,
      lastSyncAgeSeconds: c.age,
      failing: c.failing,
    })),
  };
};
