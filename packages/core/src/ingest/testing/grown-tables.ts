// Test helper: a project after a year of mail, set-based (30,000 rows in each table that grows with mail),
// for tests that ask PostgreSQL how it would run a statement once the tables are large. The ledger's rows
// and the outbox's are as wide as real ones (~1.6 kB of raw bytes, ~1.3 kB of body), since a plan depends on
// the pages a table spans.
// Autovacuum is off for these tables: the test analyses them when it means to.
import type { DataSource } from "@tidings/db";

export const GROWN_TABLES = [
  "issues",
  "inbound_emails",
  "notes",
  "issue_email_participants",
  "sent_notifications",
  "outbound_emails",
] as const;

/**
 * Old issues 2…rows+1 ("Old ticket g", Message-ID <old-g@customer.example>, from old(g % 3000)@customer.example,
 * one every 10 minutes until now), each with its opening email in the ledger (a third by SMTP, the rest
 * from a mailbox; none by the webhook), a public note (<note-g@customer.example>), its requester as
 * participant, a reply key and a sent thank-you.
 */
export const growTables = async (
  ds: DataSource,
  { projectId, botId, rows = 30_000 }: { projectId: number; botId: number; rows?: number },
) => {
  for (const table of GROWN_TABLES) await ds.query(`ALTER TABLE ${table} SET (autovacuum_enabled = off)`);
  await ds.query(
    `INSERT INTO issues (project_id, iid, title, author_id, confidential, external_author, message_id,
             created_at)
           SELECT $1, g + 1, 'Old ticket ' || g, $2, true, 'old' || (g % 3000) || '@customer.example',
                  'old-' || g || '@customer.example', now() - ($3 - g) * interval '10 minutes'
             FROM generate_series(1, $3) g`,
    [projectId, botId, rows],
  );
  await ds.query(`UPDATE projects SET last_issue_iid = $2 + 1 WHERE id = $1`, [projectId, rows]);
  // Each issue's rows in the other tables.
  const old = `FROM issues i WHERE i.project_id = $1 AND i.message_id LIKE 'old-%'`;
  await ds.query(
    `INSERT INTO inbound_emails (idempotency_key, transport, message_id, raw, size_bytes, sha256, status,
             project_id, issue_id, received_at, processed_at)
           SELECT 'mid:' || i.message_id || '|to:desk|c:' || md5(i.iid::text),
                  CASE WHEN i.iid % 3 = 0 THEN 'smtp' ELSE 'imap' END, i.message_id,
                  (SELECT decode(string_agg(md5(i.id || '.' || k), ''), 'hex') FROM generate_series(1, 100) k), 1600,
                  md5(i.iid::text), 'issue', i.project_id, i.id, i.created_at, i.created_at
             ${old}`,
    [projectId],
  );
  await ds.query(
    `INSERT INTO notes (issue_id, author_id, body, external_author, message_id)
           SELECT i.id, $2, 'More about it', i.external_author, 'note-' || (i.iid - 1) || '@customer.example'
             ${old}`,
    [projectId, botId],
  );
  await ds.query(
    `INSERT INTO issue_email_participants (issue_id, email)
           SELECT i.id, i.external_author ${old}`,
    [projectId],
  );
  await ds.query(
    `INSERT INTO sent_notifications (reply_key_digest, project_id, issue_id, recipient_email)
           SELECT md5('key' || i.id), $1, i.id, i.external_author
             ${old}`,
    [projectId],
  );
  await ds.query(
    `INSERT INTO outbound_emails (kind, dedupe_key, project_id, issue_id, to_address, subject, text_body,
             message_id, status, created_at, sent_at, updated_at)
           SELECT 'thank_you', 'thanks-' || i.id, $1, i.id, i.external_author, 'Re: ' || i.title,
                  (SELECT string_agg(md5(i.id || ':' || k), ' ') FROM generate_series(1, 40) k),
                  'out-' || i.id || '@tidings.test', 'sent', i.created_at, i.created_at, i.created_at
             ${old}`,
    [projectId],
  );
};
