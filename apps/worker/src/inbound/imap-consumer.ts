// C1(b): one IMAP mailbox (IMAP_URL or SERVICE_DESK_IMAP_URL) read with imapflow.
// - One consumer per mailbox across processes: the mailbox lease (mailbox-lease.ts).
// - A UIDVALIDITY/UID cursor in imap_cursors (key without the password); a UIDVALIDITY change means a full
//   rescan, deduplicated by the ledger's idempotency key.
// - Each fetched chunk is stored raw and committed (cursor advanced in the same transaction), and only then
//   flagged \Seen + $Tidings-Processed and moved to the Archive folder when there is one. Unflagged
//   messages are fetched again on every sync, so a crash between commit and flag loses nothing and
//   duplicates nothing.
// - Chunks are bounded in count and in bytes, by the sizes the server reports (one FETCH of sizes first).
// - IDLE (imapflow auto-idle after a short delay) with a polling fallback; reconnect with per-mailbox
//   exponential, jittered backoff.
import { type IngestSettings, receiveEmails, routeSettingsOf } from "@tidings/core";
import { ImapCursorEntity, type InboundTransport } from "@tidings/db";
import { ImapFlow } from "imapflow";
import type { WorkerContext } from "../context.ts";
import { backoffMs, mailboxLease, recordMailboxError, sleep } from "./mailbox-lease.ts";

export const PROCESSED_FLAG = "$Tidings-Processed";

export type ImapConsumerOptions = {
  /** "incoming" or "service_desk": part of the cursor key. */
  label: string;
  url: string;
  /** A message is committed; its bytes go along so the processing thread need not read them back. */
  onStored: (id: number, raw?: Buffer) => void;
  /** Test seams (crash drills): called after a message is committed, and before the batch is flagged. */
  hooks?: { afterStore?: (id: number) => void | Promise<void>; beforeFlag?: (ids: number[]) => void | Promise<void> };
  pollMs?: number;
  /** Bytes per fetched chunk at most (CHUNK_BYTES); tests lower it. */
  chunkBytes?: number;
  leaseRetryMs?: number;
  random?: () => number;
};

export type ImapConsumer = {
  mailboxKey: string;
  /** True while this process holds the mailbox lease. */
  holdsLease: () => boolean;
  /** Resolves after the next completed sync (for tests and the benchmark). */
  synced: () => Promise<void>;
  stop: () => Promise<void>;
};

type Target = { host: string; port: number; secure: boolean; user: string; pass: string; mailbox: string };

export const parseImapUrl = (url: string): Target => {
  const u = new URL(url);
  const secure = u.protocol === "imaps:";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, "")) || "INBOX",
  };
};

/** The cursor/lease key: never contains the password. */
export const mailboxKeyOf = (label: string, t: Target) => `${label}:${t.user}@${t.host}:${t.port}/${t.mailbox}`;

/** Messages per fetched chunk at most (one INSERT, one STORE and one MOVE each). */
export const CHUNK_MESSAGES = 100;
/** Bytes per fetched chunk at most, by the sizes the server reports; a larger message is a chunk alone. */
export const CHUNK_BYTES = 16 * 1024 * 1024;

/** UIDs whose sizes one FETCH asks for (the command line stays short whatever the backlog). */
const SIZE_QUERY_UIDS = 1000;

/** Sorted uids as an IMAP sequence set, runs collapsed: [1, 2, 3, 7, 9, 10] → "1:3,7,9:10". */
export const uidSet = (uids: number[]) => {
  const parts: string[] = [];
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j] + 1) j++;
    parts.push(j > i ? `${uids[i]}:${uids[j]}` : String(uids[i]));
    i = j + 1;
  }
  return parts.join(",");
};

/**
 * The uids to fetch, in order, cut into chunks of at most `maxCount` messages and `maxBytes` bytes. A
 * message whose size is unknown counts as `maxBytes` (fetched alone): a hundred 25 MB messages in one
 * chunk would have been 2.5 GB in the worker.
 */
export const chunkUids = (
  messages: { uid: number; size?: number }[],
  maxCount = CHUNK_MESSAGES,
  maxBytes = CHUNK_BYTES,
): number[][] => {
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let bytes = 0;
  for (const { uid, size } of messages) {
    const b = size ?? maxBytes;
    if (chunk.length > 0 && (chunk.length >= maxCount || bytes + b > maxBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(uid);
    bytes += b;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
};

export const startImapConsumer = (
  ctx: WorkerContext,
  settings: IngestSettings,
  opts: ImapConsumerOptions,
): ImapConsumer => {
  const target = parseImapUrl(opts.url);
  const mailboxKey = mailboxKeyOf(opts.label, target);
  const log = ctx.log.child({ module: "imap-consumer", mailbox: mailboxKey });
  const random = opts.random ?? Math.random;
  const route = routeSettingsOf(settings.mail);
  const state = { stopped: false };
  let client: ImapFlow | null = null;
  let wake: (() => void) | null = null;
  /** Set by an EXISTS that arrives while a sync runs, so the next wait does not miss it. */
  let pending = false;
  const notify = () => {
    pending = true;
    wake?.();
  };
  let syncWaiters: (() => void)[] = [];

  const lease = mailboxLease(ctx.dataSource, mailboxKey, log);

  /**
   * Stores a fetched chunk raw and advances the cursor past it, in one transaction with one INSERT
   * (issue 14.2); only after this commit is the chunk flagged and moved.
   */
  const storeChunk = async (messages: { raw: Buffer; uid: number }[], uidValidity: string): Promise<number[]> => {
    const lastUid = Math.max(...messages.map((m) => m.uid));
    const stored = await ctx.dataSource.transaction(async (db) => {
      const r = await receiveEmails(
        db,
        messages.map((m) => ({
          raw: m.raw,
          transport: "imap" as InboundTransport,
          source: `imap:${mailboxKey}`,
          maxEmailBytes: settings.maxEmailBytes,
          route,
        })),
      );
      await db.query(
        `INSERT INTO imap_cursors (mailbox_key, uid_validity, last_uid, last_sync_at, last_error, updated_at)
         VALUES ($1, $2, $3, now(), NULL, now())
         ON CONFLICT (mailbox_key) DO UPDATE SET
           last_uid = CASE WHEN imap_cursors.uid_validity = EXCLUDED.uid_validity
                           THEN GREATEST(imap_cursors.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,
           uid_validity = EXCLUDED.uid_validity, last_sync_at = now(), last_error = NULL, updated_at = now()`,
        [mailboxKey, uidValidity, lastUid],
      );
      return r;
    });
    log.debug({ stored: stored.length, lastUid }, "imap.stored");
    for (const [i, r] of stored.entries()) if (!r.duplicate) opts.onStored(r.id, messages[i].raw);
    for (const r of stored) await opts.hooks?.afterStore?.(r.id);
    return stored.map((r) => r.id);
  };

  /**
   * imapflow answers a refused command (NO/BAD) with `false`, and a SEARCH without an open mailbox with
   * `undefined`: both are failures, never "nothing there".
   */
  const succeeded = <T>(result: T | false | undefined, command: string): T => {
    if (result === false || result === undefined) {
      throw new Error(`The IMAP server refused ${command} on ${target.mailbox}`);
    }
    return result;
  };

  const sync = async (c: ImapFlow, archive: string | null) => {
    const box = c.mailbox;
    if (!box) throw new Error("no mailbox open");
    const uidValidity = String(box.uidValidity);
    const cursor = await ctx.dataSource.getRepository(ImapCursorEntity).findOneBy({ mailboxKey });
    let lastUid = 0;
    if (cursor && cursor.uidValidity === uidValidity) lastUid = Number(cursor.lastUid);
    else if (cursor) log.warn({ old: cursor.uidValidity, uidValidity }, "imap.uidvalidity_changed_full_rescan");
    const fresh = succeeded(await c.search({ uid: `${lastUid + 1}:*` }, { uid: true }), "SEARCH").filter(
      (u) => u > lastUid,
    );
    const unflagged = succeeded(await c.search({ unKeyword: PROCESSED_FLAG }, { uid: true }), "SEARCH");
    const uids = [...new Set([...fresh, ...unflagged])].sort((a, b) => a - b);
    const sized: { uid: number; size?: number }[] = [];
    for (let i = 0; i < uids.length; i += SIZE_QUERY_UIDS) {
      const range = uidSet(uids.slice(i, i + SIZE_QUERY_UIDS));
      sized.push(...(await c.fetchAll(range, { uid: true, size: true }, { uid: true })));
    }
    const chunks = chunkUids(
      sized.sort((a, b) => a.uid - b.uid),
      CHUNK_MESSAGES,
      opts.chunkBytes ?? CHUNK_BYTES,
    );
    for (const chunk of chunks) {
      if (state.stopped) break;
      // Collect first, then do DB work: no IMAP commands inside the fetch loop (imapflow's rule).
      const messages = await c.fetchAll(uidSet(chunk), { uid: true, source: true }, { uid: true });
      const fetched = messages.flatMap((m) => (m.source ? [{ raw: m.source, uid: m.uid }] : []));
      if (fetched.length === 0) continue;
      const done = fetched.map((m) => m.uid);
      const ids = await storeChunk(fetched, uidValidity);
      await opts.hooks?.beforeFlag?.(ids);
      const range = uidSet(done);
      succeeded(await c.messageFlagsAdd(range, ["\\Seen", PROCESSED_FLAG], { uid: true }), "STORE");
      if (archive) succeeded(await c.messageMove(range, archive, { uid: true }), "MOVE");
    }
    if (!cursor || cursor.uidValidity !== uidValidity) {
      await ctx.dataSource.query(
        `INSERT INTO imap_cursors (mailbox_key, uid_validity, last_uid, last_sync_at, updated_at)
         VALUES ($1, $2, 0, now(), now())
         ON CONFLICT (mailbox_key) DO UPDATE SET last_sync_at = now(),
           last_uid = CASE WHEN imap_cursors.uid_validity = EXCLUDED.uid_validity THEN imap_cursors.last_uid ELSE 0 END,
           uid_validity = EXCLUDED.uid_validity`,
        [mailboxKey, uidValidity],
      );
    } else {
      await ctx.dataSource.query(
        `UPDATE imap_cursors SET last_sync_at = now(), last_error = NULL WHERE mailbox_key = $1`,
        [mailboxKey],
      );
    }
  };

  const session = async () => {
    const c = new ImapFlow({
      host: target.host,
      port: target.port,
      secure: target.secure,
      auth: { user: target.user, pass: target.pass },
      logger: false,
      autoIdleDelay: 200,
      maxIdleTime: 5 * 60_000,
    });
    client = c;
    let closed = false;
    c.on("error", (err: Error) => log.warn({ err }, "imap.client_error"));
    c.on("close", () => {
      closed = true;
      notify();
    });
    c.on("exists", notify);
    await c.connect();
    await c.mailboxOpen(target.mailbox);
    const folders = await c.list();
    const archive = folders.find((f) => f.specialUse === "\\Archive")?.path ?? null;
    log.info({ archive }, "imap.connected");
    let attemptReset = false;
    while (!state.stopped && !closed) {
      if (!(await lease.alive())) throw new Error("lost the mailbox lease");
      pending = false;
      await sync(c, archive);
      if (!attemptReset) {
        attempt = 0;
        attemptReset = true;
      }
      for (const w of syncWaiters.splice(0)) w();
      if (state.stopped || closed) break;
      if (pending) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, opts.pollMs ?? 30_000);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
    if (closed && !state.stopped) throw new Error("IMAP connection closed");
  };

  let attempt = 0;
  const loop = async () => {
    while (!state.stopped) {
      if (!(await lease.acquire())) {
        await sleep(opts.leaseRetryMs ?? 5_000, state);
        continue;
      }
      try {
        await session();
      } catch (err) {
        if (state.stopped) break;
        const delay = backoffMs(attempt++, random);
        // An error, not "no new mail": logged as one, and marked on the mailbox for /-/metrics
        // (tidings_mailbox_failing) until the next successful read clears it.
        log.error({ err, attempt, delayMs: delay }, "imap.failed_will_retry");
        await recordMailboxError(ctx.dataSource, mailboxKey, err).catch((dbErr) =>
          log.error({ err: dbErr }, "imap.record_error_failed"),
        );
        await sleep(delay, state);
      } finally {
        const c = client;
        client = null;
        if (c) await c.logout().catch(() => c.close());
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
      const c = client;
      if (c) await c.logout().catch(() => c.close());
      await running;
      await lease.release();
      syncWaiters = [];
    },
  };
};
