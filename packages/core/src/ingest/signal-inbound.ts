// Issue 14.1: all inbound processing runs in the worker. The api stores a message (the webhook) or puts a
// quarantined one back (retry), and signals the worker through PostgreSQL NOTIFY on commit; the worker's
// processor LISTENs and takes it at once (its sweep finds it anyway within seconds if the signal is lost).
import type { DataSource, EntityManager, InboundEmailEntity } from "@tidings/db";

export const INBOUND_CHANNEL = "tidings_inbound";

/** NOTIFYs the worker of stored messages to process; delivered when (and if) the transaction commits. */
export const signalInbound = async (db: EntityManager, ids: number[]) => {
  if (ids.length === 0) return;
  await db.query("SELECT pg_notify($1, id::text) FROM unnest($2::int[]) AS id", [INBOUND_CHANNEL, ids]);
};

/**
 * Waits (bounded) for the worker to finish a message: its row once it is no longer `received`, or as it
 * is when `timeoutMs` passes (the worker is busy or down; the message stays queued and is not lost).
 */
export const awaitInboundOutcome = async (
  ds: DataSource,
  id: number,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Pick<InboundEmailEntity, "id" | "status" | "reason"> | null> => {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const [row] = await ds.query(`SELECT id, status, reason FROM inbound_emails WHERE id = $1`, [id]);
    if (row?.status !== "received" || Date.now() >= deadline) return row ?? null;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
};
