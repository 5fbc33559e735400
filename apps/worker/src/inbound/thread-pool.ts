// Issues 14.1 and 15.1: processing threads with a per-message time budget. Each thread takes one batch at
// a time. While a message is being decided (parsed), the budget runs for it alone: a message over it has
// its thread terminated (its transaction, if any, dies with the thread's connections) and is quarantined
// as `failed` with the reason; the batch's other messages are handed back to be processed again, and a
// fresh thread takes the thread's place. Applying a batch gets one budget as a whole; over it, the thread
// is replaced and the whole batch handed back (it stays `received`, its attempts counted).
import { Worker } from "node:worker_threads";
import type { IngestSettings, ProcessResult } from "@tidings/core";
import type { DataSource } from "@tidings/db";
import type { ThreadData, ThreadReply, ThreadRequest } from "./process-thread.ts";

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

/**
 * A processing thread's young generation in MB (V8's default is 48): parsing makes short-lived garbage
 * that a small young generation collects sooner, keeping the worker's RSS down (issue 15; see
 * scripts/bundle.ts for the main thread's counterpart and the figures).
 */
const THREAD_YOUNG_GENERATION_MB = 6;
/**
 * Beside this module: in the TypeScript tree, the bootstrap that loads process-thread.ts through tsx; in the
 * bundled worker (scripts/bundle.ts), the bundled thread.
 */
const ENTRY = new URL("./process-thread.mjs", import.meta.url);

type Slot = { worker: Worker; busy: boolean };

class ThreadDied extends Error {}

export const overBudgetReason = (budgetMs: number) =>
  `Processing took longer than ${Math.round(budgetMs / 1000)} s (the per-message time budget) and was stopped; the message may be built to stall the parser. Release it to try again.`;

type Stopped = { kind: "over-budget"; id: number | null };

export const startThreadPool = (
  ds: DataSource,
  settings: IngestSettings,
  opts: { size: number; budgetMs: number },
): ThreadPool => {
  const url = (ds.options as { url?: string }).url;
  if (!url) throw new Error("The processing threads need the database URL of the worker's data source.");
  const data: ThreadData = { url, settings, poolSize: 2 };
  const spawn = (): Slot => {
    const worker = new Worker(ENTRY, {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    worker.unref();
    return { worker, busy: false };
  };
  const slots: Slot[] = Array.from({ length: opts.size }, spawn);
  const waiting: ((s: Slot) => void)[] = [];

  const acquire = () =>
    new Promise<Slot>((resolve) => {
      const free = slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        resolve(free);
      } else waiting.push(resolve);
    });
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  };
  const replace = (slot: Slot): Slot => {
    void slot.worker.terminate();
    const fresh = spawn();
    fresh.busy = true;
    slots[slots.indexOf(slot)] = fresh;
    return fresh;
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

  /** Runs one batch in a thread; resolves with its reply, or with what was being done when the budget ran out. */
  const run = (slot: Slot, ids: number[], raws: Map<number, Buffer>) =>
    new Promise<Extract<ThreadReply, { kind: "done" }> | Stopped>((resolve, reject) => {
      let current: number | null = null;
      // The clock runs from the first message's decision (claiming is one statement, not the message's work).
      let timer: NodeJS.Timeout | undefined;
      const restart = () => {
        clearTimeout(timer);
        timer = setTimeout(() => over(), opts.budgetMs);
      };
      const over = () => {
        done();
        resolve({ kind: "over-budget", id: current });
      };
      const onMessage = (m: ThreadReply) => {
        if (m.kind === "deciding") {
          current = m.id;
          restart();
        } else if (m.kind === "applying") {
          current = null;
          restart();
        } else {
          done();
          if (m.kind === "done") resolve(m);
          else reject(new Error(m.error));
        }
      };
      const onError = (err: Error) => {
        done();
        reject(new ThreadDied(`the processing thread failed: ${err.message}`));
      };
      const onExit = (code: number) => {
        done();
        reject(new ThreadDied(`the processing thread exited with code ${code}`));
      };
      const done = () => {
        clearTimeout(timer);
        slot.worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      };
      slot.worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      const bytes = ownedBytes(raws);
      slot.worker.postMessage(
        { ids, raws: bytes } satisfies ThreadRequest,
        bytes.map(([, b]) => b.buffer as ArrayBuffer),
      );
    });

  const process = async (ids: number[], raws = new Map<number, Buffer>()): Promise<BatchOutcome> => {
    let slot = await acquire();
    try {
      const reply = await run(slot, ids, raws);
      if (reply.kind === "done") return { results: reply.results, failures: reply.failures, handedBack: [] };
      slot = replace(slot);
      if (reply.id === null) return { results: [], failures: [], handedBack: ids };
      const culprit = reply.id;
      return { results: [await quarantine(culprit)], failures: [], handedBack: ids.filter((id) => id !== culprit) };
    } catch (err) {
      if (err instanceof ThreadDied) slot = replace(slot);
      throw err;
    } finally {
      release(slot);
    }
  };

  return {
    process,
    stop: async () => {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
};
