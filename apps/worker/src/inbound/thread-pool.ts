// Issues 14.1 and 15.1: processing threads with a per-message time budget. Each thread takes two batches at
// a time (PIPELINE_DEPTH): one decides while the other applies. While a message is being decided (parsed),
// the budget runs for it alone: a message over it has its thread terminated (its transactions, if any, die
// with the thread's connections) and is quarantined as `failed` with the reason; the other messages of the
// thread's batches are handed back to be processed again, and a fresh thread takes the thread's place.
// Applying a batch gets one budget as a whole; over it (and no message being decided), the thread is
// replaced and its batches handed back (they stay `received`, their attempts counted).
import type { Worker } from "node:worker_threads";
import { type IngestSettings, type ProcessResult, refundAttempts } from "@tidings/core";
import type { DataSource } from "@tidings/db";
import type { ThreadInit, ThreadReply, ThreadRequest } from "./process-thread.ts";
import { spawnProcessingThread, takePrestartedThread } from "./thread-entry.ts";
import { progressBuffer, type ThreadProgress, threadProgress } from "./thread-progress.ts";

/**
 * Each message's bytes in memory of their own, to be moved to the thread: a Buffer that is a view into a
 * larger allocation (Node's pool for small ones, a client's read buffer) is copied first — a view would
 * send its whole backing memory along.
 */
const ownedBytes = (raws: Map<number, Buffer>): [number, Uint8Array][] =>
  [...raws].map(([id, b]) => [
    id,
    b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer
      ? b
      : new Uint8Array(b),
  ]);

export type BatchOutcome = {
  results: ProcessResult[];
  failures: { id: number; error: string }[];
  /** Not processed (their thread was stopped for another message's sake): to be processed again. */
  handedBack: number[];
};

export type ThreadPool = {
  /**
   * Processes a batch of stored messages in a thread (with the bytes of those the caller holds, which
   * move to the thread); rejects when the thread fails as a whole.
   */
  process: (ids: number[], raws?: Map<number, Buffer>) => Promise<BatchOutcome>;
  stop: () => Promise<void>;
};

/** One batch in a thread, until its reply (its steps are read from the thread's progress). */
type Run = {
  settle: (reply: RunReply) => void;
  fail: (err: Error) => void;
};
/** A thread, what it is doing (shared with it) and its batches in flight (at most `depth`). */
type Slot = { worker: Worker; progress: ThreadProgress; runs: Map<number, Run>; taken: number };

type RunReply = Extract<ThreadReply, { kind: "done" }> | Stopped;

class ThreadDied extends Error {}

export const overBudgetReason = (budgetMs: number) =>
  `Processing took longer than ${Math.round(budgetMs / 1000)} s (the per-message time budget) and was stopped; the message may be built to stall the parser. Release it to try again.`;

/**
 * The budget ran out and the thread was stopped: `culprit` is the message that was being decided (it is
 * quarantined), null when none was (a transaction over its budget).
 */
type Stopped = { kind: "over-budget"; culprit: number | null };

/**
 * Batches a thread takes at once (issue 14): one decides (parses, on the thread's CPU) while the other applies
 * (waits for PostgreSQL). Measured with a 2,000-message IMAP backlog, the thread was busy 38 % of the time
 * with one batch: a batch of 100 decided in ~55 ms and applied in ~105 ms, one after the other.
 */
export const PIPELINE_DEPTH = 2;

export const startThreadPool = (
  ds: DataSource,
  settings: IngestSettings,
  opts: { size: number; budgetMs: number; depth?: number },
): ThreadPool => {
  const url = (ds.options as { url?: string }).url;
  if (!url) throw new Error("The processing threads need the database URL of the worker's data source.");
  const depth = opts.depth ?? PIPELINE_DEPTH;
  const data: Omit<ThreadInit["init"], "progress"> = { url, settings, poolSize: 2 };
  let stopping = false;
  let batches = 0;

  /** Starts the slot's thread, answering each reply to the batch it names. */
  const start = (slot: Slot) => {
    const progress = progressBuffer();
    // The first slot takes the thread the boot entry spawned, if any (thread-entry.ts): it has loaded meanwhile.
    const worker = takePrestartedThread() ?? spawnProcessingThread();
    worker.postMessage({ init: { ...data, progress } } satisfies ThreadInit);
    const onMessage = (m: ThreadReply) => {
      const run = slot.runs.get(m.batch);
      if (!run) return;
      slot.runs.delete(m.batch);
      if (m.kind === "done") run.settle(m);
      else run.fail(new Error(m.error));
    };
    const died = (why: string) => {
      if (slot.worker !== worker) return;
      for (const run of takeRuns(slot)) run.fail(new ThreadDied(`the processing thread ${why}`));
      if (!stopping) start(slot);
    };
    worker.on("message", onMessage);
    worker.on("error", (err: Error) => died(`failed: ${err.message}`));
    worker.on("exit", (code: number) => died(`exited with code ${code}`));
    slot.worker = worker;
    slot.progress = threadProgress(progress);
  };

  /** Every batch the slot's thread holds: the thread is gone or going. */
  const takeRuns = (slot: Slot): Run[] => {
    const runs = [...slot.runs.values()];
    slot.runs.clear();
    return runs;
  };

  /**
   * The watchdog: a message decided for longer than the budget, or a batch applying for longer (and no
   * message being decided meanwhile: a message stalling the parser stalls the thread's whole loop, and it
   * is the message to stop; the batch's clock starts again).
   */
  const check = (slot: Slot, now = Date.now()) => {
    if (slot.runs.size === 0) return;
    const { decide, apply } = slot.progress.read();
    if (decide && now - decide.since > opts.budgetMs) return over(slot, decide.id);
    if (apply && now - apply.since > opts.budgetMs) {
      if (decide) slot.progress.restartApply(apply.since, now);
      else over(slot, null);
    }
  };

  /**
   * A budget ran out: the thread is replaced (a transaction dies with its connections); the message being
   * decided, if any (`culprit`), is quarantined, and every other message of the thread's batches is handed back.
   */
  const over = (slot: Slot, culprit: number | null) => {
    const runs = takeRuns(slot);
    const old = slot.worker;
    start(slot);
    void old.terminate();
    for (const r of runs) r.settle({ kind: "over-budget", culprit });
  };

  const slots: Slot[] = Array.from({ length: opts.size }, () => {
    const slot = { runs: new Map(), taken: 0 } as unknown as Slot;
    start(slot);
    return slot;
  });
  // A quarter of the budget between looks (a message is stopped within 1.25 budgets), at most a second.
  const watchdog = setInterval(
    () => {
      for (const slot of slots) check(slot);
    },
    Math.min(1_000, Math.max(5, Math.floor(opts.budgetMs / 4))),
  );
  watchdog.unref();
  const waiting: ((s: Slot) => void)[] = [];

  /** The thread with the fewest batches, when one has room. */
  const acquire = () =>
    new Promise<Slot>((resolve) => {
      const free = slots.filter((s) => s.taken < depth).sort((a, b) => a.taken - b.taken)[0];
      if (free) {
        free.taken++;
        resolve(free);
      } else waiting.push(resolve);
    });
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.taken--;
  };

  const quarantine = async (id: number): Promise<ProcessResult> => {
    const reason = overBudgetReason(opts.budgetMs);
    await ds.query(
      `UPDATE inbound_emails SET status = 'failed', reason = $2, processed_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'received'`,
      [id, reason],
    );
    return { status: "failed", reason, projectId: null, issueId: null, noteId: null, id } as ProcessResult;
  };

  /** Runs one batch in a slot's thread; resolves with its reply, or with what the budget stopped. */
  const run = (slot: Slot, ids: number[], raws: Map<number, Buffer>) =>
    new Promise<RunReply>((settle, fail) => {
      const batch = ++batches;
      // The clock runs from the first message's decision (claiming is one statement, not the message's work).
      slot.runs.set(batch, { settle, fail });
      const bytes = ownedBytes(raws);
      slot.worker.postMessage(
        { batch, ids, raws: bytes } satisfies ThreadRequest,
        bytes.map(([, b]) => b.buffer as ArrayBuffer),
      );
    });

  const process = async (ids: number[], raws = new Map<number, Buffer>()): Promise<BatchOutcome> => {
    const slot = await acquire();
    try {
      const reply = await run(slot, ids, raws);
      if (reply.kind === "done") return { results: reply.results, failures: reply.failures, handedBack: [] };
      const { culprit } = reply;
      // A transaction over its budget: the batch is tried again, the attempt counted.
      if (culprit === null) return { results: [], failures: [], handedBack: ids };
      // A message stalled the thread: it alone is quarantined and pays an attempt.
      const handedBack = ids.filter((id) => id !== culprit);
      await refundAttempts(ds, handedBack);
      const results = ids.includes(culprit) ? [await quarantine(culprit)] : [];
      return { results, failures: [], handedBack };
    } finally {
      release(slot);
    }
  };

  return {
    process,
    stop: async () => {
      stopping = true;
      clearInterval(watchdog);
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
};
