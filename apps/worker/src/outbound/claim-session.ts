// The outbox runner's claims live as long as its database session (issue 15.6).
//
// The runner holds a session-level advisory lock (OUTBOX_LOCK_CLASS, key) on one dedicated connection, and
// every claim it takes names that key (`outbound_emails.claimed_by`). When the worker dies — kill -9, OOM,
// a lost host — PostgreSQL ends the backend, the lock goes with it, and the next claim by any runner takes
// the dead runner's emails at once instead of waiting out the lease. Everything that takes a claim or starts
// a send runs on this connection, so a runner can only do either while its lock is held.
//
// A lost connection (the backend terminated, PostgreSQL restarted) is reopened under a NEW key: the old
// key's claims are free for everyone from the moment the lock went, and the runner takes back, under the
// new key, those nobody else has taken meanwhile (see runner.ts).
import type { EventEmitter } from "node:events";
import type { Logger } from "@tidings/core";
import { type DataSource, rowsOf } from "@tidings/db";
import type { QueryRunner } from "typeorm";

/** Advisory-lock namespace of the outbox runners (pg_advisory_lock(int, int): pg_locks.classid). */
export const OUTBOX_LOCK_CLASS = 7_100_005;

/** The session keys whose lock is held right now, in this database: claims under any other key are free. */
export const LIVE_OWNERS_SQL = `SELECT l.objid::int FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.classid = ${OUTBOX_LOCK_CLASS}::oid AND l.objsubid = 2 AND l.granted
     AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())`;

export type SessionQuery = <T = unknown>(sql: string, params?: unknown[]) => Promise<T[]>;

export type ClaimSession = {
  /** The key claims are taken under, or null while there is no live session. */
  owner: () => number | null;
  /** Opens a session (a new key) if there is none; resolves to the key, or null if the database is unreachable. */
  open: () => Promise<number | null>;
  /** A query on the session's connection; a failure ends the session (its lock may be gone). */
  query: SessionQuery;
  /** Unlocks and closes: from now on every claim of this runner is free. */
  close: () => Promise<void>;
};

const randomKey = () => 1 + Math.floor(Math.random() * 0x7ffffffe);

/** `onLost` runs when the connection fails, even while idle, so the runner reopens at once. */
export const startClaimSession = (ds: DataSource, log: Logger, onLost: () => void): ClaimSession => {
  let runner: QueryRunner | null = null;
  let key: number | null = null;

  const drop = async (reason: unknown) => {
    const r = runner;
    const old = key;
    runner = null;
    key = null;
    if (!r) return;
    log.warn({ err: reason, owner: old }, "outbound.session_lost");
    // Never hand a connection that may still hold the lock (or async commit) back to the pool.
    await r.query("DISCARD ALL").catch(() => undefined);
    await r.release().catch(() => undefined);
    onLost();
  };

  const open = async () => {
    if (runner && key !== null) return key;
    const r = ds.createQueryRunner();
    try {
      const connection: EventEmitter = await r.connect();
      connection.once("error", (err) => {
        if (runner === r) void drop(err);
      });
      connection.once("end", () => {
        if (runner === r) void drop(new Error("The outbox session's connection ended"));
      });
      for (let tries = 0; tries < 5; tries++) {
        const candidate = randomKey();
        const [row] = rowsOf<{ ok: boolean }>(
          await r.query("SELECT pg_try_advisory_lock($1, $2) AS ok", [OUTBOX_LOCK_CLASS, candidate]),
        );
        if (row?.ok) {
          // Claims, renewals and send marks need not wait for the WAL flush: lost in a PostgreSQL crash, a
          // claim is simply free again, and `sent` (written durably from the pool) flushes every earlier
          // record with it. The marks of concurrent sends share this one connection: without this, each
          // would wait for its own flush in turn.
          await r.query("SET synchronous_commit = off");
          runner = r;
          key = candidate;
          log.info({ owner: key }, "outbound.session_opened");
          return key;
        }
      }
      throw new Error("no free outbox session key after 5 tries");
    } catch (err) {
      log.warn({ err }, "outbound.session_open_failed");
      await r.release().catch(() => undefined);
      return null;
    }
  };

  // One query at a time on the connection (the loop, the sends starting and the lease heartbeat share it).
  let queue: Promise<unknown> = Promise.resolve();
  const query: SessionQuery = (sql, params = []) => {
    const run = async () => {
      const r = runner;
      if (!r) throw new Error("The outbox session is not open");
      try {
        return rowsOf<never>(await r.query(sql, params));
      } catch (err) {
        if (runner === r) await drop(err);
        throw err;
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    owner: () => key,
    open,
    query,
    close: async () => {
      const r = runner;
      runner = null;
      key = null;
      if (!r) return;
      await r.query("DISCARD ALL").catch(() => undefined); // the lock and synchronous_commit
      await r.release().catch(() => undefined);
    },
  };
};
