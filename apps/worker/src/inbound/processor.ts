// Applies stored messages: right after each store, and by a periodic sweep that finds rows left
// `received` by a crash or a failed attempt (with a growing delay per attempt). Messages queued while the
// threads are busy are taken in batches (issue 14.1): one claim, one transaction and one log line per
// batch. Never throws.
import { type IngestSettings, type ProcessResult, pendingInboundIds } from "@tidings/core";
import type { WorkerContext } from "../context.ts";
import { type BatchOutcome, PIPELINE_DEPTH, startThreadPool } from "./thread-pool.ts";

/** Issue 15.1: the default time one message may take to parse before it is quarantined. */
export const PROCESS_BUDGET_MS = 60_000;

/** Messages per batch at most: one transaction holds them all. */
export const BATCH_SIZE = 100;

/** Bytes of just-stored messages kept for the threads (beyond it, the threads read them back). */
export const HELD_BYTES = 16 * 1024 * 1024;

/**
 * Issue 14.3: whether stored mail is waiting for the processing threads, for the outbox runner to yield to
 * (sending the thank-yous of a burst after its issues, instead of competing with them for the two cores).
 */
export type InboundBacklog = {
  /** True while stored messages are being processed or wait for it. */
  busy: () => boolean;
  /** Resolves once nothing is being processed or waiting, or after `maxMs`. */
  idle: (maxMs: number) => Promise<void>;
};

export type Processor = InboundBacklog & {
  /**
   * Queue one stored message for processing, with its bytes when the caller has them (the thread then
   * does not read them back); resolves when it has been tried.
   */
  enqueue: (id: number, raw?: Buffer) => Promise<void>;
  /** Finds and processes every due `received` row. */
  sweep: () => Promise<number>;
  stop: () => Promise<void>;
};

const countByStatus = (results: ProcessResult[]) => {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
};

export const startProcessor = (
  ctx: WorkerContext,
  settings: IngestSettings,
  opts: { concurrency?: number; sweepIntervalMs?: number; budgetMs?: number; batchSize?: number } = {},
): Processor => {
  const log = ctx.log.child({ module: "inbound-processor" });
  // One thread by default: measured (bench/ingest.ts), a second one was no faster with one busy project (its
  // batches wait on the project's row lock while competing for the same two cores) and cost memory (the
  // 24 MB flood peaked at 416 MB against 268 MB with one). Each thread holds two batches (PIPELINE_DEPTH).
  const threads = opts.concurrency ?? 1;
  const batchSize = opts.batchSize ?? BATCH_SIZE;
  // Parsing and applying run in threads (issues 14.2, 15.1): the listener's loop never waits behind them.
  const pool = startThreadPool(ctx.dataSource, settings, {
    size: threads,
    budgetMs: opts.budgetMs ?? PROCESS_BUDGET_MS,
  });
  /** Batches in flight: each thread decides one while it applies another. */
  const concurrency = threads * PIPELINE_DEPTH;
  const queue: number[] = [];
  const held = new Map<number, Buffer>();
  let heldBytes = 0;
  const takeHeld = (ids: number[]) => {
    const raws = new Map<number, Buffer>();
    for (const id of ids) {
      const raw = held.get(id);
      if (!raw) continue;
      raws.set(id, raw);
      held.delete(id);
      heldBytes -= raw.length;
    }
    return raws;
  };
  /** The callers waiting for each queued or running id. */
  const waiters = new Map<number, (() => void)[]>();
  let running = 0;
  let stopped = false;
  const busy = () => running > 0 || queue.length > 0;
  const idleWaiters = new Set<() => void>();
  /** Resolves once nothing runs or waits (the outbox runner's yield, and stop()), or after `maxMs`. */
  const untilIdle = (maxMs?: number) =>
    new Promise<void>((resolve) => {
      if (!busy()) return resolve();
      const done = () => {
        clearTimeout(timer);
        idleWaiters.delete(done);
        resolve();
      };
      const timer = maxMs === undefined ? undefined : setTimeout(done, maxMs);
      idleWaiters.add(done);
    });
  const wentIdle = () => {
    if (!busy()) for (const done of [...idleWaiters]) done();
  };

  const settle = (id: number) => {
    for (const w of waiters.get(id) ?? []) w();
    waiters.delete(id);
  };

  const report = (outcome: BatchOutcome) => {
    for (const r of outcome.results) {
      const level = r.status === "failed" ? "warn" : "debug";
      log[level](
        {
          inboundEmailId: r.id,
          status: r.status,
          projectId: r.projectId,
          issueId: r.issueId,
          noteId: r.noteId,
          reason: r.reason,
        },
        "inbound.processed",
      );
    }
    for (const f of outcome.failures) {
      log.warn({ inboundEmailId: f.id, error: f.error }, "inbound.process_failed_will_retry");
    }
    log.info(
      { messages: outcome.results.length, ...countByStatus(outcome.results), retrying: outcome.failures.length },
      "inbound.batch_processed",
    );
  };

  const run = async (ids: number[]) => {
    try {
      const outcome = await pool.process(ids, takeHeld(ids));
      if (outcome.results.length || outcome.failures.length) report(outcome);
      const back = new Set(stopped ? [] : outcome.handedBack);
      queue.unshift(...back);
      for (const id of ids) if (!back.has(id)) settle(id);
    } catch (err) {
      log.warn({ err, inboundEmailIds: ids }, "inbound.process_failed_will_retry");
      for (const id of ids) settle(id);
    }
  };

  const pump = () => {
    while (!stopped && running < concurrency && queue.length > 0) {
      const ids = queue.splice(0, batchSize);
      running++;
      void run(ids).finally(() => {
        running--;
        pump();
        wentIdle();
      });
    }
  };

  /**
   * Batches form once per turn of the event loop: messages stored together (an IMAP chunk, one group
   * commit of several SMTP sessions) go to the thread as one batch. Started from the first enqueue, the
   * pump sent the first message alone and the second alone (one transaction each), the rest after them.
   */
  let pumpScheduled = false;
  const schedulePump = () => {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  };

  const enqueue = (id: number, raw?: Buffer) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const known = waiters.get(id);
      if (known) return known.push(resolve);
      waiters.set(id, [resolve]);
      if (raw && heldBytes + raw.length <= HELD_BYTES) {
        held.set(id, raw);
        heldBytes += raw.length;
      }
      queue.push(id);
      schedulePump();
    });

  const sweep = async () => {
    if (stopped) return 0;
    try {
      const ids = await pendingInboundIds(ctx.dataSource, 500);
      await Promise.all(ids.map((id) => enqueue(id)));
      return ids.length;
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
    busy,
    idle: untilIdle,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      for (const id of queue.splice(0)) settle(id);
      wentIdle();
      held.clear();
      await untilIdle();
      await pool.stop();
    },
  };
};
