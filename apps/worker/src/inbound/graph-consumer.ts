// Issue 13.1: one Exchange Online mailbox read through Microsoft Graph (GRAPH_* or SERVICE_DESK_GRAPH_*).
// - One consumer per mailbox across processes: the mailbox lease (mailbox-lease.ts), as for IMAP.
// - Each sync lists the whole inbox (every page), then fetches new messages' MIME in chunks. A chunk is
//   stored raw in the ledger, together with a graph_stored_messages row per message, in one transaction;
//   only after that commit is each message moved to the Archive folder (Graph's well-known `archive`).
// - The inbox is the cursor: what is still there after a crash is read again, except what
//   graph_stored_messages says is already committed — that is moved without being fetched again. So a
//   restart neither loses nor re-reads, and the ledger's idempotency key stays as a second guard.
// - Polls every GRAPH_POLL_INTERVAL seconds; throttling is handled per request (graph-client.ts); a failed
//   sync is recorded on the mailbox (health, /-/metrics) and retried with backoff.
import { type IngestSettings, receiveEmails, routeSettingsOf } from "@tidings/core";
import type { WorkerContext } from "../context.ts";
import { createGraphClient, type GraphClient, type GraphMailbox } from "./graph-client.ts";
import { backoffMs, mailboxLease, recordMailboxError, sleep } from "./mailbox-lease.ts";

/** Graph's well-known name of the Archive folder: processed messages go there, as with IMAP. */
export const PROCESSED_FOLDER = "archive";
const CHUNK = 20;
const PARALLEL_FETCHES = 4;
/** A sync lists at most this many ids; the rest waits for the next sync. */
const MAX_LISTED = 5_000;

export type GraphConsumerOptions = {
  /** "incoming" or "service_desk": part of the cursor key. */
  label: string;
  mailbox: GraphMailbox;
  onStored: (id: number, raw?: Buffer) => void;
  /** Test seam (crash drills): called after a chunk is committed, before it is moved. */
  hooks?: { afterStore?: (ids: number[]) => void | Promise<void> };
  leaseRetryMs?: number;
  random?: () => number;
};

export type GraphConsumer = {
  mailboxKey: string;
  holdsLease: () => boolean;
  /** Resolves after the next completed sync. */
  synced: () => Promise<void>;
  stop: () => Promise<void>;
};

/** The cursor/lease key: the mailbox and the Graph host, never a credential. */
export const graphMailboxKeyOf = (label: string, m: GraphMailbox) =>
  `graph:${label}:${m.mailbox}@${new URL(m.endpoint).host}`;

/** Runs fn over items, at most `limit` at a time, keeping their order. */
const mapLimit = async <T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
};

export const startGraphConsumer = (
  ctx: WorkerContext,
  settings: IngestSettings,
  opts: GraphConsumerOptions,
): GraphConsumer => {
  const mailboxKey = graphMailboxKeyOf(opts.label, opts.mailbox);
  const log = ctx.log.child({ module: "graph-consumer", mailbox: mailboxKey });
  const route = routeSettingsOf(settings.mail);
  const state = { stopped: false };
  const lease = mailboxLease(ctx.dataSource, mailboxKey, log);
  const client: GraphClient = createGraphClient(opts.mailbox, { log, signal: state, random: opts.random });
  let syncWaiters: (() => void)[] = [];
  let wake: (() => void) | null = null;

  const listInbox = async (): Promise<{ ids: string[]; complete: boolean }> => {
    const ids: string[] = [];
    for await (const page of client.inboxPages()) {
      ids.push(...page);
      if (ids.length >= MAX_LISTED) return { ids, complete: false };
    }
    return { ids, complete: !state.stopped };
  };

  /** The ids already committed by an earlier sync (crashed or failed before their move). */
  const committedOf = async (ids: string[]): Promise<Set<string>> => {
    const rows: { graph_id: string }[] = await ctx.dataSource.query(
      `SELECT graph_id FROM graph_stored_messages WHERE mailbox_key = $1 AND graph_id = ANY($2::text[])`,
      [mailboxKey, ids],
    );
    return new Set(rows.map((r) => r.graph_id));
  };

  const moveAll = async (ids: string[]) => {
    for (const id of ids) {
      if (state.stopped) return;
      await client.move(id, PROCESSED_FOLDER);
    }
    await ctx.dataSource.query(
      `DELETE FROM graph_stored_messages WHERE mailbox_key = $1 AND graph_id = ANY($2::text[])`,
      [mailboxKey, ids],
    );
  };

  /** Stores a chunk raw with its Graph ids in one transaction; then, and only then, moves it. */
  const storeChunk = async (ids: string[]) => {
    const raws = await mapLimit(ids, PARALLEL_FETCHES, (id) => client.mime(id));
    if (state.stopped) return;
    const stored = await ctx.dataSource.transaction(async (db) => {
      const results = await receiveEmails(
        db,
        raws.map((raw) => ({
          raw,
          transport: "graph" as const,
          source: mailboxKey,
          maxEmailBytes: settings.maxEmailBytes,
          route,
        })),
      );
      await db.query(
        `INSERT INTO graph_stored_messages (mailbox_key, graph_id, inbound_email_id)
         SELECT $1, g, e FROM unnest($2::text[], $3::int[]) AS u(g, e)
         ON CONFLICT DO NOTHING`,
        [mailboxKey, ids, results.map((r) => r.id)],
      );
      return results;
    });
    for (const [i, r] of stored.entries()) if (!r.duplicate) opts.onStored(r.id, raws[i]);
    await opts.hooks?.afterStore?.(stored.map((r) => r.id));
    await moveAll(ids);
  };

  const sync = async () => {
    const { ids, complete } = await listInbox();
    const committed = await committedOf(ids);
    const leftBehind = ids.filter((id) => committed.has(id));
    if (leftBehind.length > 0) {
      log.info({ count: leftBehind.length }, "graph.moving_committed");
      await moveAll(leftBehind);
    }
    const fresh = ids.filter((id) => !committed.has(id));
    for (let i = 0; i < fresh.length && !state.stopped; i += CHUNK) {
      if (!(await lease.alive())) throw new Error("lost the mailbox lease");
      await storeChunk(fresh.slice(i, i + CHUNK));
    }
    // A row whose message is no longer in a completely listed inbox was moved before a crash let us note it.
    if (complete)
      await ctx.dataSource.query(
        `DELETE FROM graph_stored_messages WHERE mailbox_key = $1 AND NOT (graph_id = ANY($2::text[]))`,
        [mailboxKey, ids],
      );
    await ctx.dataSource.query(
      `INSERT INTO imap_cursors (mailbox_key, uid_validity, last_uid, last_sync_at, last_error, updated_at)
       VALUES ($1, '', 0, now(), NULL, now())
       ON CONFLICT (mailbox_key) DO UPDATE SET last_sync_at = now(), last_error = NULL, updated_at = now()`,
      [mailboxKey],
    );
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    }).finally(() => {
      wake = null;
    });

  const loop = async () => {
    let attempt = 0;
    while (!state.stopped) {
      if (!(await lease.acquire())) {
        await sleep(opts.leaseRetryMs ?? 5_000, state);
        continue;
      }
      try {
        if (!(await lease.alive())) continue;
        await sync();
        attempt = 0;
        for (const w of syncWaiters.splice(0)) w();
        if (!state.stopped) await pause(opts.mailbox.pollSeconds * 1000);
      } catch (err) {
        if (state.stopped) break;
        const delay = backoffMs(attempt++, opts.random);
        log.error({ err, attempt, delayMs: delay }, "graph.failed_will_retry");
        await recordMailboxError(ctx.dataSource, mailboxKey, err).catch((dbErr) =>
          log.error({ err: dbErr }, "graph.record_error_failed"),
        );
        await sleep(delay, state);
      }
    }
  };
  const running = loop();

  return {
    mailboxKey,
    holdsLease: lease.held,
    synced: () => new Promise<void>((resolve) => syncWaiters.push(resolve)),
    stop: async () => {
      state.stopped = true;
      wake?.();
      await running;
      await lease.release();
      syncWaiters = [];
    },
  };
};
