// Applies stored messages: right after each store, and by a periodic sweep that finds rows left
// `received` by a crash or a failed attempt (with a growing delay per attempt). Never throws.
import { type IngestSettings, MAX_ATTEMPTS } from "@tidings/core";
import type { WorkerContext } from "../context.ts";
import { startThreadPool } from "./thread-pool.ts";

/** Issue 15.1: the default time one message may take to parse and apply before it is quarantined. */
export const PROCESS_BUDGET_MS = 60_000;

export type Processor = {
  /** Queue one stored message for processing; resolves when it has been tried. */
  enqueue: (id: number) => Promise<void>;
  /** Finds and processes every due `received` row. */
  sweep: () => Promise<number>;
  stop: () => Promise<void>;
};

export const startProcessor = (
  ctx: WorkerContext,
  settings: IngestSettings,
  opts: { concurrency?: number; sweepIntervalMs?: number; budgetMs?: number } = {},
): Processor => {
  const log = ctx.log.child({ module: "inbound-processor" });
  const concurrency = opts.concurrency ?? 2;
  // Parsing and applying run in threads (issue 15.1): the listener's loop never waits behind them.
  const pool = startThreadPool(ctx.dataSource, settings, {
    size: concurrency,
    budgetMs: opts.budgetMs ?? PROCESS_BUDGET_MS,
  });
  const queue: { id: number; done: () => void }[] = [];
  const queued = new Set<number>();
  let running = 0;
  let stopped = false;
  const idle: (() => void)[] = [];

  const pump = () => {
    while (!stopped && running < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      void run(job.id).finally(() => {
        running--;
        queued.delete(job.id);
        job.done();
        if (running === 0 && queue.length === 0) for (const r of idle.splice(0)) r();
        pump();
      });
    }
  };

  const run = async (id: number) => {
    try {
      const result = await pool.process(id);
      if (result) {
        const level = result.status === "failed" ? "warn" : "info";
        log[level](
          {
            inboundEmailId: id,
            status: result.status,
            projectId: result.projectId,
            issueId: result.issueId,
            noteId: result.noteId,
            reason: result.reason,
          },
          "inbound.processed",
        );
      }
    } catch (err) {
      log.warn({ err, inboundEmailId: id }, "inbound.process_failed_will_retry");
    }
  };

  const enqueue = (id: number) =>
    new Promise<void>((resolve) => {
      if (stopped || queued.has(id)) return resolve();
      queued.add(id);
      queue.push({ id, done: resolve });
      pump();
    });

  const sweep = async () => {
    if (stopped) return 0;
    try {
      const rows: { id: number }[] = await ctx.dataSource.query(
        `SELECT id FROM inbound_emails
         WHERE status = 'received' AND attempts <= $1
           AND updated_at < now() - (interval '2 seconds' + attempts * attempts * interval '5 seconds')
         ORDER BY id LIMIT 500`,
        [MAX_ATTEMPTS],
      );
      await Promise.all(rows.map((r) => enqueue(r.id)));
      return rows.length;
    } catch (err) {
      log.warn({ err }, "inbound.sweep_failed");
      return 0;
    }
  };

  const interval = opts.sweepIntervalMs ?? 5_000;
  const timer = setInterval(() => void sweep(), interval);
  timer.unref();
  // Rows left by a crash are due at once on start (their updated_at is old).
  void sweep();

  return {
    enqueue,
    sweep,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      queue.splice(0).forEach((j) => {
        queued.delete(j.id);
        j.done();
      });
      if (running > 0) await new Promise<void>((r) => idle.push(r));
      await pool.stop();
    },
  };
};
