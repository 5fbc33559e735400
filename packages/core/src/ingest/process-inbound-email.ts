// Issue 14.1: stored messages are processed in batches, in three steps:
// 1. claim — one committed statement counts an attempt for every message of the batch that is still
//    `received`, and reads it; a message that kills the process (a poison message) is counted too, and
//    after MAX_ATTEMPTS it is quarantined as `failed` instead of crashing every worker that picks it up;
// 2. decide — decide.ts, per message, with no transaction open (in the worker: in a thread, never on the
//    event loop of the SMTP listener);
// 3. apply — one transaction for the whole batch: the rows locked FOR UPDATE SKIP LOCKED (another
//    processor's rows are skipped), every Message-ID's advisory lock taken in one sorted statement, each
//    message applied under its own savepoint (one message's error never undoes the others), and the
//    outcomes written with one statement. A crash leaves the rows `received`: they are applied again.
import { type DataSource, type EntityManager } from "@tidings/db";
import { type InboundOutcome, rememberSupportBot } from "./apply-context.ts";
import { applyDecision } from "./apply-decision.ts";
import { type Decision, decideInbound, type StoredMessage } from "./decide.ts";
import type { IngestSettings } from "./ingest-settings.ts";
import { contentDigestInKey } from "./receive-email.ts";

export { type InboundOutcome, MAX_PARTICIPANTS, resolveProject } from "./apply-context.ts";
export { applyToProject } from "./apply-service-desk.ts";
export { parseEmail } from "./decide.ts";
export { type IngestSettings, ingestSettingsFromConfig, routeSettingsOf } from "./ingest-settings.ts";

/** After this many failed attempts a message is quarantined as `failed` instead of retried. */
export const MAX_ATTEMPTS = 5;

export type ProcessResult = InboundOutcome & { id: number };
export type ProcessFailure = { id: number; error: Error };
export type BatchResult = { results: ProcessResult[]; failures: ProcessFailure[] };

export type ClaimedMessage = StoredMessage & { attempts: number; idempotencyKey: string };
export type Decided = { message: ClaimedMessage } & ({ decision: Decision } | { error: Error });

type ClaimedRow = {
  id: number;
  attempts: number;
  raw: Buffer;
  size_bytes: number;
  transport: string;
  envelope_from: string | null;
  envelope_to: string[] | null;
  message_id: string | null;
  subject: string | null;
  idempotency_key: string;
};

/** TypeORM returns `[rows, count]` for UPDATE … RETURNING and `rows` for SELECT. */
const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];

const gaveUpReason = ` (gave up after ${MAX_ATTEMPTS} attempts)`;

/** Step 1: counts an attempt for each still-`received` message and reads it; gives up on the exhausted. */
export const claimMessages = async (
  ds: DataSource,
  ids: number[],
): Promise<{ claimed: ClaimedMessage[]; gaveUp: ProcessResult[] }> => {
  const rows = rowsOf<ClaimedRow>(
    await ds.query(
      `UPDATE inbound_emails SET attempts = attempts + 1, updated_at = now()
        WHERE id = ANY($1::int[]) AND status = 'received'
        RETURNING id, attempts, raw, size_bytes, transport, envelope_from, envelope_to, message_id, subject,
                  idempotency_key`,
      [ids],
    ),
  );
  const exhausted = rows.filter((r) => r.attempts > MAX_ATTEMPTS).map((r) => r.id);
  if (exhausted.length) {
    await ds.query(
      `UPDATE inbound_emails SET status = 'failed', processed_at = now(), updated_at = now(),
         reason = coalesce(reason, 'Processing failed') || $2
       WHERE id = ANY($1::int[]) AND status = 'received'`,
      [exhausted, gaveUpReason],
    );
  }
  const claimed = rows
    .filter((r) => r.attempts <= MAX_ATTEMPTS)
    .sort((a, b) => a.id - b.id)
    .map((r) => ({
      id: r.id,
      attempts: r.attempts,
      raw: r.raw,
      sizeBytes: r.size_bytes,
      transport: r.transport,
      envelopeFrom: r.envelope_from,
      envelopeTo: r.envelope_to ?? [],
      messageId: r.message_id,
      subject: r.subject,
      idempotencyKey: r.idempotency_key,
    }));
  const gaveUp = exhausted.map((id) => ({
    id,
    status: "failed" as const,
    reason: `Gave up after ${MAX_ATTEMPTS} attempts.`,
    projectId: null,
    issueId: null,
    noteId: null,
  }));
  return { claimed, gaveUp };
};

/** Step 2: decides every claimed message; `onDeciding` hears each id first (the worker's time budget). */
export const decideAll = async (
  settings: IngestSettings,
  claimed: ClaimedMessage[],
  onDeciding?: (id: number) => void,
): Promise<Decided[]> => {
  const decided: Decided[] = [];
  for (const message of claimed) {
    onDeciding?.(message.id);
    try {
      decided.push({ message, decision: await decideInbound(settings, message) });
    } catch (err) {
      decided.push({ message, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  return decided;
};

/** Advisory-lock namespace of "one Message-ID being applied" (issue 15.3). */
const MESSAGE_ID_LOCK = 150_003;

/**
 * Issue 15.3: "this message already opened an issue in this project" is a read; transactions applying the
 * same Message-ID (one message Bcc'd to two addresses of a project) wait for each other here, so the
 * second sees the first's issue. One statement for the batch, in hash order: two batches never deadlock.
 */
const lockMessageIds = async (db: EntityManager, messageIds: string[]) => {
  if (messageIds.length === 0) return;
  await db.query(
    `SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(m) AS h FROM unnest($2::text[]) m ORDER BY 1) s`,
    [MESSAGE_ID_LOCK, messageIds],
  );
};

/**
 * Issue 15.4: a different message that reuses an earlier message's Message-ID (its content digest
 * differs) is applied as a message of its own, without that Message-ID; the sentence says so.
 */
const reusedMessageId = async (db: EntityManager, message: ClaimedMessage): Promise<string | null> => {
  const digest = contentDigestInKey(message.idempotencyKey);
  if (!message.messageId || !digest) return null;
  const [earlier] = await db.query(
    `SELECT id FROM inbound_emails
     WHERE message_id = $1 AND id < $2 AND idempotency_key LIKE '%|c:%' AND idempotency_key NOT LIKE $3
     ORDER BY id LIMIT 1`,
    [message.messageId, message.id, `%|c:${digest}`],
  );
  if (!earlier) return null;
  return `Reused Message-ID: email #${earlier.id} already came with <${message.messageId}> and different content; this one was handled as a message of its own.`;
};

const subjectOf = (d: Decided): string | null => {
  if ("error" in d) return d.message.subject;
  const { decision } = d;
  return decision.kind === "route" ? decision.content.subject : decision.subject;
};

/** One statement for the outcomes of the batch. */
const recordOutcomes = async (db: EntityManager, results: (ProcessResult & { subject: string | null })[]) => {
  if (results.length === 0) return;
  const col = <K extends keyof (ProcessResult & { subject: string | null })>(k: K) => results.map((r) => r[k]);
  await db.query(
    `UPDATE inbound_emails e
        SET status = u.status, reason = u.reason, project_id = u.project_id, issue_id = u.issue_id,
            note_id = u.note_id, subject = left(u.subject, 500), processed_at = now(), updated_at = now()
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::text[])
            AS u(id, status, reason, project_id, issue_id, note_id, subject)
      WHERE e.id = u.id AND e.status = 'received'`,
    [col("id"), col("status"), col("reason"), col("projectId"), col("issueId"), col("noteId"), col("subject")],
  );
};

/**
 * A failed attempt: the reason is kept, the row stays `received` (retried by the sweep with a growing
 * delay) until MAX_ATTEMPTS, then it is `failed`.
 */
const recordFailures = async (db: EntityManager, failures: ProcessFailure[]) => {
  if (failures.length === 0) return;
  await db.query(
    `UPDATE inbound_emails e SET reason = left(u.reason, 1000),
         status = CASE WHEN e.attempts >= $3 THEN 'failed' ELSE e.status END,
         processed_at = CASE WHEN e.attempts >= $3 THEN now() ELSE e.processed_at END,
         updated_at = now()
       FROM unnest($1::int[], $2::text[]) AS u(id, reason)
      WHERE e.id = u.id AND e.status = 'received'`,
    [failures.map((f) => f.id), failures.map((f) => `Processing failed: ${f.error.message}`), MAX_ATTEMPTS],
  );
};

/** Step 3: applies a batch of decided messages in one transaction (see the top of this file). */
export const applyDecided = async (
  ds: DataSource,
  settings: IngestSettings,
  decided: Decided[],
): Promise<BatchResult> =>
  ds.transaction(async (db) => {
    const lockedRows = rowsOf<{ id: number }>(
      await db.query(
        `SELECT id FROM inbound_emails WHERE id = ANY($1::int[]) AND status = 'received'
          ORDER BY id FOR UPDATE SKIP LOCKED`,
        [decided.map((d) => d.message.id)],
      ),
    );
    const locked = new Set(lockedRows.map((r) => r.id));
    const mine = decided.filter((d) => locked.has(d.message.id));
    await lockMessageIds(db, [...new Set(mine.flatMap((d) => (d.message.messageId ? [d.message.messageId] : [])))]);
    const results: (ProcessResult & { subject: string | null })[] = [];
    const failures: ProcessFailure[] = [];
    for (const d of mine) {
      const { message } = d;
      if ("error" in d) {
        failures.push({ id: message.id, error: d.error });
        continue;
      }
      await db.query("SAVEPOINT apply_one");
      try {
        const reused = await reusedMessageId(db, message);
        const row = { id: message.id, messageId: reused ? null : message.messageId, subject: message.subject };
        const result = await applyDecision(db, settings, row, d.decision);
        if (reused && !result.reason) result.reason = reused;
        await db.query("RELEASE SAVEPOINT apply_one");
        results.push({ ...result, id: message.id, subject: subjectOf(d) });
      } catch (err) {
        await db.query("ROLLBACK TO SAVEPOINT apply_one");
        failures.push({ id: message.id, error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
    await recordOutcomes(db, results);
    await recordFailures(db, failures);
    return { results: results.map(({ subject: _s, ...r }) => r), failures };
  });

export type BatchHooks = {
  /** Called before each message is decided (the worker's per-message time budget starts here). */
  onDeciding?: (id: number) => void;
  /** Called when every message is decided and the batch's transaction begins. */
  onApplying?: () => void;
};

/**
 * Claims, decides and applies stored messages (those not `received` any more, or held by another
 * processor, are left out of the result). A failure of the batch's transaction itself (the database went
 * away) is recorded on each message, which stays `received`, and rethrown.
 */
export const processBatch = async (
  ds: DataSource,
  settings: IngestSettings,
  ids: number[],
  hooks: BatchHooks = {},
): Promise<BatchResult> => {
  await rememberSupportBot(ds);
  const { claimed, gaveUp } = await claimMessages(ds, ids);
  const decided = await decideAll(settings, claimed, hooks.onDeciding);
  hooks.onApplying?.();
  try {
    const applied = await applyDecided(ds, settings, decided);
    return { results: [...gaveUp, ...applied.results], failures: applied.failures };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    await recordFailures(
      ds.manager,
      decided.map((d) => ({ id: d.message.id, error })),
    ).catch(() => undefined);
    throw error;
  }
};

/**
 * Processes one stored message (a batch of one). Returns null when the row is not `received` any more or
 * another processor holds it; rethrows the error of a failed attempt (recorded on the row).
 */
export const processInboundEmail = async (
  ds: DataSource,
  settings: IngestSettings,
  id: number,
): Promise<ProcessResult | null> => {
  const { results, failures } = await processBatch(ds, settings, [id]);
  if (failures[0]) throw failures[0].error;
  return results[0] ?? null;
};
