import { randomUUID } from "node:crypto";
import os from "node:os";
import { type EntityManager, ProcessHeartbeatEntity } from "@tidings/db";
import type { Logger } from "../logger.ts";

/** How often a process beats, and how old its last beat may be before it counts as down. */
export const HEARTBEAT = { everyMs: 2_000, staleAfterMs: 6_000, forgetAfterMs: 24 * 60 * 60 * 1000 };

/**
 * Writes this process's heartbeat row now and every HEARTBEAT.everyMs (a failed beat is logged and the
 * next one retries); stop() removes the row, so a clean stop is not reported as an outage.
 */
export const startHeartbeat = async (db: EntityManager, kind: string, log: Logger) => {
  const instance = randomUUID();
  const startedAt = new Date();
  const beat = async () => {
    try {
      await db.query(
        `INSERT INTO process_heartbeats (instance, kind, pid, hostname, started_at, beat_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (instance) DO UPDATE SET beat_at = now()`,
        [instance, kind, process.pid, os.hostname(), startedAt],
      );
    } catch (err) {
      log.warn({ err, kind }, "heartbeat.failed");
    }
  };
  await beat();
  // Rows of crashed processes are kept a day (readiness says "down"), then forgotten.
  await db
    .query(`DELETE FROM process_heartbeats WHERE beat_at < now() - make_interval(secs => $1)`, [
      HEARTBEAT.forgetAfterMs / 1000,
    ])
    .catch(() => undefined);
  const timer = setInterval(() => void beat(), HEARTBEAT.everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await db.delete(ProcessHeartbeatEntity, { instance }).catch(() => undefined);
    },
  };
};

export type ProcessHealth = Record<string, { up: number; down: number }>;

/**
 * Per kind of process that has beaten in the last day: how many are up (fresh beat) and how many went
 * silent without a clean stop.
 */
export const readProcessHealth = async (db: EntityManager): Promise<ProcessHealth> => {
  const rows: { kind: string; up: number; down: number }[] = await db.query(
    `SELECT kind,
            count(*) FILTER (WHERE beat_at >= now() - make_interval(secs => $1))::int AS up,
            count(*) FILTER (WHERE beat_at < now() - make_interval(secs => $1))::int AS down
       FROM process_heartbeats GROUP BY kind ORDER BY kind`,
    [HEARTBEAT.staleAfterMs / 1000],
  );
  return Object.fromEntries(rows.map((r) => [r.kind, { up: r.up, down: r.down }]));
};

/** "ok" while at least one process of the kind beats, "down" when every one went silent. */
export const processStates = (health: ProcessHealth): Record<string, "ok" | "down"> =>
  Object.fromEntries(Object.entries(health).map(([kind, h]) => [kind, h.up > 0 ? "ok" : "down"]));
