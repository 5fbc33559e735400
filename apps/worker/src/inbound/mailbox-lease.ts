// One consumer per mailbox across worker processes (IMAP and Microsoft Graph alike): a PostgreSQL
// advisory lock held on a dedicated connection. When the holder dies its connection closes, the lock is
// released, and another worker takes over. Also the reconnect backoff and the stoppable sleep they share.
import type { Logger } from "@tidings/core";
import type { DataSource } from "@tidings/db";
import type { QueryRunner } from "typeorm";

const LEASE_CLASS = 7_100_003; // advisory-lock namespace of the mailbox consumers

export type MailboxLease = {
  /** Takes the lease if no process holds it; true when this process holds it now. */
  acquire: () => Promise<boolean>;
  /** The lease connection is alive (a dead connection means the lock is gone). */
  alive: () => Promise<boolean>;
  held: () => boolean;
  release: () => Promise<void>;
};

export const mailboxLease = (ds: DataSource, mailboxKey: string, log: Logger): MailboxLease => {
  let lease: QueryRunner | null = null;

  const release = async () => {
    const runner = lease;
    lease = null;
    if (!runner) return;
    try {
      await runner.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LEASE_CLASS, mailboxKey]);
    } catch {
      // the connection is gone; so is the lock
    }
    await runner.release().catch(() => {});
  };

  return {
    held: () => lease !== null,
    release,
    acquire: async () => {
      if (lease) return true;
      const runner = ds.createQueryRunner();
      try {
        await runner.connect();
        const [row] = await runner.query("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [
          LEASE_CLASS,
          mailboxKey,
        ]);
        if (row?.ok) {
          lease = runner;
          log.info("mailbox.lease_acquired");
          return true;
        }
      } catch (err) {
        log.warn({ err }, "mailbox.lease_check_failed");
      }
      await runner.release().catch(() => {});
      return false;
    },
    alive: async () => {
      if (!lease) return false;
      try {
        await lease.query("SELECT 1");
        return true;
      } catch {
        await release();
        return false;
      }
    },
  };
};

/** Exponential, jittered reconnect delay, capped at a minute. */
export const backoffMs = (attempt: number, random: () => number = Math.random) =>
  Math.round(Math.min(60_000, 500 * 2 ** Math.min(attempt, 10)) * (0.5 + random() / 2));

/** Waits `ms`, or less when `signal.stopped` turns true. */
export const sleep = (ms: number, signal: { stopped: boolean }) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    const check = setInterval(() => {
      if (signal.stopped) {
        clearTimeout(t);
        clearInterval(check);
        resolve();
      }
    }, 50);
    setTimeout(() => clearInterval(check), ms + 10);
  });

/** Marks a mailbox as failing (read by /-/metrics and health) until its next successful read. */
export const recordMailboxError = (ds: DataSource, mailboxKey: string, err: unknown) =>
  ds.query(
    `INSERT INTO imap_cursors (mailbox_key, uid_validity, last_uid, last_error, updated_at)
     VALUES ($1, '', 0, $2, now())
     ON CONFLICT (mailbox_key) DO UPDATE SET last_error = EXCLUDED.last_error, updated_at = now()`,
    [mailboxKey, String((err as Error)?.message ?? err).slice(0, 500)],
  );
