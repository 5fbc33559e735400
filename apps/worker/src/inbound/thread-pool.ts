// Issue 15.1: processing threads with a per-message time budget. A message that takes longer than the
// budget has its thread terminated (its transaction dies with the thread's connections) and is
// quarantined as `failed` with the reason; a fresh thread takes the thread's place.
import { Worker } from "node:worker_threads";
import type { IngestSettings, ProcessResult } from "@tidings/core";
import type { DataSource } from "@tidings/db";
import type { ThreadData, ThreadReply } from "./process-thread.ts";

export type ThreadPool = {
  /** Processes one stored message in a thread; rejects with the thread's error. */
  process: (id: number) => Promise<ProcessResult | null>;
  stop: () => Promise<void>;
};

const ENTRY = new URL("./process-thread.mjs", import.meta.url);

type Slot = { worker: Worker; busy: boolean };

class ThreadDied extends Error {}

export const overBudgetReason = (budgetMs: number) =>
  `Processing took longer than ${Math.round(budgetMs / 1000)} s (the per-message time budget) and was stopped; the message may be built to stall the parser. Release it to try again.`;

export const startThreadPool = (
  ds: DataSource,
  settings: IngestSettings,
  opts: { size: number; budgetMs: number },
): ThreadPool => {
  const url = (ds.options as { url?: string }).url;
  if (!url) throw new Error("The processing threads need the database URL of the worker's data source.");
  const data: ThreadData = { url, settings, poolSize: 2 };
  const spawn = (): Slot => {
    const worker = new Worker(ENTRY, { workerData: data });
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

  const process = async (id: number): Promise<ProcessResult | null> => {
    let slot = await acquire();
    try {
      const reply = await new Promise<ThreadReply | "timeout">((resolve, reject) => {
        const timer = setTimeout(() => resolve("timeout"), opts.budgetMs);
        const onMessage = (m: ThreadReply) => {
          if (m.id !== id) return;
          done();
          resolve(m);
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
        slot.worker.postMessage({ id });
      });
      if (reply === "timeout") {
        slot = replace(slot);
        return await quarantine(id);
      }
      if (!reply.ok) throw new Error(reply.error);
      return reply.result;
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
