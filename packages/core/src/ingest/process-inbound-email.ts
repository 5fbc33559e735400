// Issue 14.1: stored messages are processed in batches, in three steps:
// 1. claim — one committed statement counts an attempt for every message of the batch that is still
//    `received`, and reads its row; a message that kills the process (a poison message) is counted too,
//    and after MAX_ATTEMPTS it is quarantined as `failed` instead of crashing every worker that picks it up;
// 2. decide — decide.ts, per message, with no transaction open (in the worker: in a thread, never on the
//    event loop of the SMTP listener), GROUP_BYTES of stored bytes at a time;
// 3. apply — one transaction for the whole batch: the rows locked FOR UPDATE SKIP LOCKED (another
//    processor's rows are skipped), every Message-ID's advisory lock taken in one sorted statement, what
//    the batch reads looked up with one statement per kind (lookups.ts), the batch's new issues opened
//    together (open-issues.ts), and the outcomes written with one statement. If the batch fails as a
//    whole, each of its messages is applied alone in its own transaction, so one message's error never
//    undoes the others. A crash leaves the rows `received`: they are applied again.
import { type DataSource, type EntityManager, rowsOf } from "@tidings/db";
import { type InboundOutcome, type OpenIssue, outcome, rememberSupportBot } from "./apply-context.ts";
import { applyDecision } from "./apply-decision.ts";
import { type Decision, decideInbound, type StoredMessage } from "./decide.ts";
import type { IngestSettings } from "./ingest-settings.ts";
import { BatchLookups, type LookupRequest } from "./lookups.ts";
import { type IssueToOpen, openIssues } from "./open-issues.ts";
import { contentDigestInKey } from "./receive-email.ts";
import { encodeRoute } from "./routing-reason.ts";
import { RAW_PIECE_BYTES, readStoredRaw } from "./stored-raw.ts";

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
  size_bytes: number;
  transport: string;
  source: string | null;
  envelope_from: string | null;
  envelope_to: string[] | null;
  message_id: string | null;
  subject: string | null;
  idempotency_key: string;
};

const gaveUpReason = ` (gave up after ${MAX_ATTEMPTS} attempts)`;

/**
 * Undoes the claim's attempt of messages that were handed back untried: their batch was stopped because
 * another message stalled the thread. Only the stalling message pays; without this, mail arriving beside
 * a few stalling messages was given up after MAX_ATTEMPTS hand-backs, never having failed itself.
 */
export const refundAttempts = async (ds: DataSource, ids: number[]) => {
  if (ids.length === 0) return;
  await ds.query(
    `UPDATE inbound_emails SET attempts = attempts - 1 WHERE id = ANY($1::int[]) AND status = 'received' AND attempts > 0`,
    [ids],
  );
};

/**
 * The stored messages a processor should pick up again (left by a crash, handed back, or stored while no
 * processor listened), oldest first: still `received`, attempts left, back-off passed. Read along the
 * partial index of `received` rows (idx_inbound_emails_pending), in its order, so a sweep costs what is
 * pending, never what the ledger holds, whatever the statistics; the versions a flood left behind are
 * marked dead by the first sweep that meets them. The grown-tables test holds it to that.
 */
export const pendingInboundIds = async (db: DataSource | EntityManager, limit: number): Promise<number[]> => {
  const rows: { id: number }[] = await db.query(
    `SELECT id FROM inbound_emails
      WHERE status = 'received' AND attempts <= $1
        AND updated_at < now() - (interval '2 seconds' + attempts * attempts * interval '5 seconds')
      ORDER BY id LIMIT $2`,
    [MAX_ATTEMPTS, limit],
  );
  return rows.map((r) => r.id);
};

/** A claimed message before its bytes are read (they are read a bounded number of bytes at a time). */
export type ClaimedHead = Omit<ClaimedMessage, "raw">;

/** Step 1: counts an attempt for each still-`received` message and reads its row; gives up on the exhausted. */
export const claimMessages = async (
  ds: DataSource,
  ids: number[],
): Promise<{ claimed: ClaimedHead[]; gaveUp: ProcessResult[] }> => {
  const rows = rowsOf<ClaimedRow>(
    await ds.query(
      `UPDATE inbound_emails SET attempts = attempts + 1, updated_at = now()
        WHERE id = ANY($1::int[]) AND status = 'received'
        RETURNING id, attempts, size_bytes, transport, source, envelope_from, envelope_to, message_id, subject,
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
      sizeBytes: r.size_bytes,
      transport: r.transport,
      source: r.source,
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

/**
 * The stored bytes of messages the caller does not already hold: small ones in one statement, each large
 * one in pieces (stored-raw.ts).
 */
const readRaw = async (ds: DataSource, heads: ClaimedHead[], known: Map<number, Buffer>) => {
  const missing = heads.filter((h) => !known.has(h.id));
  const small = missing.filter((h) => h.sizeBytes <= RAW_PIECE_BYTES).map((h) => h.id);
  const read = new Map<number, Buffer>();
  if (small.length) {
    const rows: { id: number; raw: Buffer }[] = await ds.query(
      `SELECT id, raw FROM inbound_emails WHERE id = ANY($1::int[])`,
      [small],
    );
    for (const r of rows) read.set(r.id, r.raw);
  }
  for (const h of missing.filter((m) => m.sizeBytes > RAW_PIECE_BYTES)) {
    const raw = await readStoredRaw(ds.manager, h.id);
    if (raw) read.set(h.id, raw);
  }
  return heads.flatMap((h) => {
    const raw = known.get(h.id) ?? read.get(h.id);
    return raw ? [{ ...h, raw }] : [];
  });
};

/**
 * Splits claimed messages into groups of at most `maxBytes` stored bytes (a message larger than that is a
 * group of its own), so a batch of large messages is never in memory at once.
 */
export const byBytes = <T extends { sizeBytes: number }>(items: T[], maxBytes: number): T[][] => {
  const groups: T[][] = [];
  let bytes = 0;
  for (const item of items) {
    const last = groups.at(-1);
    if (!last || bytes + item.sizeBytes > maxBytes) {
      groups.push([item]);
      bytes = item.sizeBytes;
    } else {
      last.push(item);
      bytes += item.sizeBytes;
    }
  }
  return groups;
};

/** Stored bytes decided and applied together at most (issue 14.6: worker memory during a flood of large mail). */
export const GROUP_BYTES = 8 * 1024 * 1024;

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
 * differs) is applied as a message of its own, without that Message-ID; the sentence says so. One
 * statement for the batch (by the ledger's Message-ID index).
 */
const reusedMessageIds = async (db: EntityManager, messages: ClaimedMessage[]): Promise<Map<number, string>> => {
  const asked = messages.flatMap((m) => {
    const digest = contentDigestInKey(m.idempotencyKey);
    return m.messageId && digest ? [{ id: m.id, messageId: m.messageId, digest }] : [];
  });
  const reused = new Map<number, string>();
  if (asked.length === 0) return reused;
  // One lookup of the Message-ID index per message, whatever the planner knows of the ledger: joined, it
  // read the whole ledger for each batch while its statistics were older than the ledger's growth.
  const rows: { id: number; earlier: number }[] = await db.query(
    `SELECT u.id, e.id AS earlier
       FROM unnest($1::int[], $2::text[], $3::text[]) AS u(id, message_id, digest)
       CROSS JOIN LATERAL (
         SELECT e.id FROM inbound_emails e
          WHERE e.message_id = u.message_id AND e.id < u.id
            AND e.idempotency_key LIKE '%|c:%' AND e.idempotency_key NOT LIKE '%|c:' || u.digest
          ORDER BY e.id LIMIT 1) e`,
    [asked.map((a) => a.id), asked.map((a) => a.messageId), asked.map((a) => a.digest)],
  );
  const byId = new Map(asked.map((a) => [a.id, a.messageId]));
  for (const r of rows) {
    reused.set(
      r.id,
      `Reused Message-ID: email #${r.earlier} already came with <${byId.get(r.id)}> and different content; this one was handled as a message of its own.`,
    );
  }
  return reused;
};

/** What a routed message will ask the lookups (its project, Message-IDs and sender). */
const lookupRequest = (d: Decided, messageId: string | null): LookupRequest[] =>
  "decision" in d && d.decision.kind === "route" && d.decision.route.kind === "project"
    ? [
        {
          target: d.decision.route.target,
          messageId,
          threadIds: d.decision.content.threadIds,
          sender: d.decision.content.requester,
        },
      ]
    : [];

const subjectOf = (d: Decided): string | null => {
  if ("error" in d) return d.message.subject;
  const { decision } = d;
  return decision.kind === "route" ? decision.content.subject : decision.subject;
};

/** One statement for the outcomes of the batch. */
const recordOutcomes = async (db: EntityManager, results: (ProcessResult & { subject: string | null })[]) => {
  if (results.length === 0) return;
  const col = <K extends keyof (ProcessResult & { subject: string | null })>(k: K) => results.map((r) => r[k]);
  const routes = results.map((r) => encodeRoute(r.route));
  await db.query(
    `UPDATE inbound_emails e
        SET status = u.status, reason = u.reason, project_id = u.project_id, issue_id = u.issue_id,
            note_id = u.note_id, subject = left(u.subject, 500), route_reason = u.route_reason,
            route_detail = left(u.route_detail, 1000), screening = u.screening::jsonb,
            processed_at = now(), updated_at = now()
       FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[], $9::text[],
                   $10::text[])
            AS u(id, status, reason, project_id, issue_id, note_id, subject, route_reason, route_detail, screening)
      WHERE e.id = u.id AND e.status = 'received'`,
    [
      col("id"),
      col("status"),
      col("reason"),
      col("projectId"),
      col("issueId"),
      col("noteId"),
      col("subject"),
      routes.map((r) => r.reason),
      routes.map((r) => r.detail),
      results.map((r) => (r.screening ? JSON.stringify(r.screening) : null)),
    ],
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

/**
 * Step 3: applies a batch of decided messages in one transaction (see the top of this file). The new
 * issues of the batch are opened together when the batch ends (or earlier, when a later message of the
 * batch replies to one of them or repeats its Message-ID); every other write happens in order.
 */
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
    const reused = await reusedMessageIds(
      db,
      mine.map((d) => d.message),
    );
    const messageIdOf = (m: ClaimedMessage) => (reused.has(m.id) ? null : m.messageId);
    const lookups = new BatchLookups(db);
    await lookups.prefetch(mine.flatMap((d) => lookupRequest(d, messageIdOf(d.message))));

    const pending: { plan: IssueToOpen; result: InboundOutcome }[] = [];
    const openIssue: OpenIssue = async (plan) => {
      lookups.opening(plan.project.id, plan.externalAuthor, plan.messageId);
      const result = outcome("issue", { projectId: plan.project.id });
      pending.push({ plan, result });
      return result;
    };
    const flush = async () => {
      const opening = pending.splice(0);
      const ids = await openIssues(
        db,
        settings,
        opening.map((p) => p.plan),
      );
      for (const [i, p] of opening.entries()) {
        p.result.issueId = ids[i];
        lookups.opened(p.plan.project.id, p.plan.messageId, ids[i]);
      }
    };

    const applied: { id: number; result: InboundOutcome; subject: string | null }[] = [];
    const failures: ProcessFailure[] = [];
    for (const d of mine) {
      const { message } = d;
      if ("error" in d) {
        failures.push({ id: message.id, error: d.error });
        continue;
      }
      const messageId = messageIdOf(message);
      const threadIds = d.decision.kind === "route" ? d.decision.content.threadIds : [];
      if (lookups.pending([...(messageId ? [messageId] : []), ...threadIds])) await flush();
      // No savepoint per message: an error aborts the batch, and processBatch applies each message alone.
      const row = { id: message.id, messageId, subject: message.subject };
      const result = await applyDecision(db, settings, row, d.decision, { lookups, openIssue });
      const sentence = reused.get(message.id);
      if (sentence && !result.reason) result.reason = sentence;
      applied.push({ id: message.id, result, subject: subjectOf(d) });
    }
    await flush();
    const results = applied.map((a) => ({ ...a.result, id: a.id }));
    await recordOutcomes(
      db,
      applied.map((a) => ({ ...a.result, id: a.id, subject: a.subject })),
    );
    await recordFailures(db, failures);
    return { results, failures };
  });

/** Runs a stage of a batch when it may run (a queue shared between batches), and resolves with its result. */
export type StageGate = <T>(stage: () => Promise<T>) => Promise<T>;

export type BatchHooks = {
  /** Called before each message is decided (the worker's per-message time budget starts here). */
  onDeciding?: (id: number) => void;
  /** Called when every message of a group is decided; its transaction begins when the apply gate opens. */
  onApplying?: () => void;
  /**
   * Gates of the two stages, for batches processed side by side on one event loop: one batch decides while
   * another applies, never two at once in the same stage (the per-message budget times one decision at a time,
   * and the applies keep their order). Without them, each stage runs at once.
   */
  gates?: { decide: StageGate; apply: StageGate };
};

const ungated: StageGate = (stage) => stage();

/**
 * Applies decided messages in one transaction; if that fails as a whole, each message alone. A failure of
 * a message's own transaction (the database went away) is recorded on it (it stays `received`); with a
 * single message it is rethrown.
 */
const applyGroup = async (ds: DataSource, settings: IngestSettings, decided: Decided[]): Promise<BatchResult> => {
  try {
    return await applyDecided(ds, settings, decided);
  } catch (err) {
    if (decided.length === 1) {
      const error = err instanceof Error ? err : new Error(String(err));
      await recordFailures(ds.manager, [{ id: decided[0].message.id, error }]).catch(() => undefined);
      throw error;
    }
    const results: ProcessResult[] = [];
    const failures: ProcessFailure[] = [];
    for (const d of decided) {
      try {
        const one = await applyDecided(ds, settings, [d]);
        results.push(...one.results);
        failures.push(...one.failures);
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        failures.push({ id: d.message.id, error });
        await recordFailures(ds.manager, [{ id: d.message.id, error }]).catch(() => undefined);
      }
    }
    return { results, failures };
  }
};

/**
 * Claims, decides and applies stored messages (those not `received` any more, or held by another
 * processor, are left out of the result), GROUP_BYTES of stored bytes at a time. `raws` are the bytes of
 * messages the caller already holds (the SMTP listener's, just stored): they are not read back.
 */
export const processBatch = async (
  ds: DataSource,
  settings: IngestSettings,
  ids: number[],
  hooks: BatchHooks = {},
  raws: Map<number, Buffer> = new Map(),
): Promise<BatchResult> => {
  await rememberSupportBot(ds);
  const { claimed, gaveUp } = await claimMessages(ds, ids);
  const results = [...gaveUp];
  const failures: ProcessFailure[] = [];
  const { decide, apply } = hooks.gates ?? { decide: ungated, apply: ungated };
  for (const group of byBytes(claimed, GROUP_BYTES)) {
    const decided = await decide(async () => decideAll(settings, await readRaw(ds, group, raws), hooks.onDeciding));
    // Decided: from here the batch's clock is its transaction's, waiting for another batch's included.
    hooks.onApplying?.();
    const applied = await apply(() => applyGroup(ds, settings, decided));
    for (const m of group) raws.delete(m.id);
    results.push(...applied.results);
    failures.push(...applied.failures);
  }
  return { results, failures };
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
