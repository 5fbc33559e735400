// Issue 13.4: the cockpit's history. The worker's sampler counts each 5-minute bucket of mail (for the
// instance, project_id 0, and for every project with mail in it) into mail_health_samples; the charts read
// the last 24 hours by bucket and the last 30 days by day. Counting a bucket again gives the same row, so
// any number of workers may sample, and the current bucket is simply counted again on the next run.
import { type EntityManager, rowsOf } from "@tidings/db";
import { BOUNCE_REASONS } from "../ingest/classify.ts";

export const SAMPLE_BUCKET_SECONDS = 5 * 60;
export const SAMPLE_KEEP_DAYS = 35;

export const bucketOf = (at: Date) =>
  new Date(Math.floor(at.getTime() / (SAMPLE_BUCKET_SECONDS * 1000)) * SAMPLE_BUCKET_SECONDS * 1000);

/** Counts the bucket that holds `at` (and rewrites its rows); returns how many rows it wrote. */
export const sampleMailHealth = async (db: EntityManager, at: Date): Promise<number> => {
  const from = bucketOf(at);
  const to = new Date(from.getTime() + SAMPLE_BUCKET_SECONDS * 1000);
  const window = [from, to, Object.values(BOUNCE_REASONS)];
  const inbound = (where: string, group: string) =>
    `SELECT ${group ? "project_id AS p," : ""} count(*)::int AS received,
            count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
            count(*) FILTER (WHERE status IN ('ignored', 'failed'))::int AS quarantined,
            count(*) FILTER (WHERE reason = ANY($3::text[]))::int AS bounces,
            0 AS sent, 0 AS failed
       FROM inbound_emails WHERE received_at >= $1 AND received_at < $2 ${where} ${group}`;
  const outbound = (where: string, group: string) =>
    `SELECT ${group ? "project_id AS p," : ""} 0, 0, 0, 0,
            count(*) FILTER (WHERE status = 'sent')::int, count(*) FILTER (WHERE status = 'failed')::int
       FROM outbound_emails
      WHERE status IN ('sent', 'failed') AND updated_at >= $1 AND updated_at < $2 ${where} ${group}`;
  const upsert = `ON CONFLICT (project_id, bucket) DO UPDATE SET
      received = EXCLUDED.received, rejected = EXCLUDED.rejected, quarantined = EXCLUDED.quarantined,
      bounces = EXCLUDED.bounces, sent = EXCLUDED.sent, failed = EXCLUDED.failed,
      backlog = EXCLUDED.backlog, failing_mailboxes = EXCLUDED.failing_mailboxes`;
  // Each project with mail in the bucket.
  const projects = rowsOf<unknown>(
    await db.query(
      `INSERT INTO mail_health_samples AS s (bucket, project_id, received, rejected, quarantined, bounces, sent, failed)
     SELECT $1, p, sum(received), sum(rejected), sum(quarantined), sum(bounces), sum(sent), sum(failed)
       FROM (${inbound("AND project_id IS NOT NULL", "GROUP BY project_id")}
             UNION ALL ${outbound("AND project_id IS NOT NULL", "GROUP BY project_id")}) x
      GROUP BY p
     ${upsert}
     RETURNING 1`,
      window,
    ),
  );
  // The instance (project_id 0): all mail, with the backlog and the failing mailboxes at the time of sampling.
  await db.query(
    `INSERT INTO mail_health_samples AS s
            (bucket, project_id, received, rejected, quarantined, bounces, sent, failed, backlog, failing_mailboxes)
     SELECT $1, 0, sum(received), sum(rejected), sum(quarantined), sum(bounces), sum(sent), sum(failed),
            (SELECT count(*) FROM inbound_emails WHERE status = 'received'),
            (SELECT count(*) FROM imap_cursors WHERE last_error IS NOT NULL)
       FROM (${inbound("", "")} UNION ALL ${outbound("", "")}) x
     ${upsert}`,
    window,
  );
  await db.query(`DELETE FROM mail_health_samples WHERE bucket < $1::timestamptz - make_interval(days => $2)`, [
    from,
    SAMPLE_KEEP_DAYS,
  ]);
  return projects.length + 1;
};

export type MailHealthRange = "day" | "month";

export type MailHealthPoint = {
  at: Date;
  received: number;
  rejected: number;
  quarantined: number;
  bounces: number;
  sent: number;
  failed: number;
  /** The largest backlog and number of failing mailboxes seen in the point (instance only). */
  backlog: number;
  failingMailboxes: number;
};

/** The last 24 hours in 5-minute buckets, or the last 30 days by day; buckets without a sample are absent. */
export const readMailHealthHistory = async (
  db: EntityManager,
  projectId: number | null,
  range: MailHealthRange,
): Promise<MailHealthPoint[]> => {
  const step = range === "day" ? null : "day";
  const rows: Record<string, string | number | Date>[] = await db.query(
    `SELECT ${step ? `date_trunc('day', bucket)` : "bucket"} AS at,
            sum(received)::int AS received, sum(rejected)::int AS rejected, sum(quarantined)::int AS quarantined,
            sum(bounces)::int AS bounces, sum(sent)::int AS sent, sum(failed)::int AS failed,
            max(backlog)::int AS backlog, max(failing_mailboxes)::int AS failing
       FROM mail_health_samples
      WHERE project_id = $1 AND bucket >= now() - $2::interval
      GROUP BY 1 ORDER BY 1`,
    [projectId ?? 0, range === "day" ? "24 hours" : "30 days"],
  );
  return rows.map((r) => ({
    at: r.at as Date,
    received: Number(r.received),
    rejected: Number(r.rejected),
    quarantined: Number(r.quarantined),
    bounces: Number(r.bounces),
    sent: Number(r.sent),
    failed: Number(r.failed),
    backlog: Number(r.backlog),
    failingMailboxes: Number(r.failing),
  }));
};
