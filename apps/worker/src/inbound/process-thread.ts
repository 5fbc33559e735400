// Issues 14.1 and 15.1: the entry of a processing thread. Claiming, deciding (parsing) and applying a batch
// of stored messages happens here, on its own event loop with its own connection pool, so the SMTP
// listener and the ledger on the main loop never wait behind it. The boundary is "process these ids".
import { parentPort } from "node:worker_threads";
import type { IngestSettings, ProcessResult } from "@tidings/core";
import { serialGate } from "@tidings/core/src/ingest/gates.ts";
// Only the ingest pipeline is loaded here (not the whole of @tidings/core): each thread pays for what it loads.
import { processBatch } from "@tidings/core/src/ingest/process-inbound-email.ts";
import { createDataSource, type DataSource } from "@tidings/db";
import { type ThreadProgress, threadProgress } from "./thread-progress.ts";

/**
 * The pool's first message to a thread, its settings (a thread is spawned before they are known: see
 * thread-entry.ts). `progress`: where it writes what it decides and applies (thread-progress.ts), for the budget.
 */
export type ThreadInit = {
  init: { url: string; settings: IngestSettings; poolSize: number; progress: SharedArrayBuffer };
};
/**
 * A batch (numbered by the pool; every reply names it): the ids to process, and the bytes of those the main
 * thread still holds (moved, not copied).
 */
export type ThreadRequest = { batch: number; ids: number[]; raws: [number, Uint8Array][] };
/** What a thread says about a batch when it is over (its steps go through the shared progress). */
type ThreadEvent =
  | { kind: "done"; results: ProcessResult[]; failures: { id: number; error: string }[] }
  | { kind: "error"; error: string };
export type ThreadReply = { batch: number } & ThreadEvent;

const port = parentPort;
if (!port) throw new Error("process-thread.ts runs only as a worker thread");
const reply = (m: ThreadReply) => port.postMessage(m);
/** Batches arrive while others run: one decides while another applies, never two in one stage. */
const gates = { decide: serialGate(), apply: serialGate() };

/** The thread's settings, what it writes its steps to, and its connections: from the pool's first message. */
type Started = { settings: IngestSettings; progress: ThreadProgress; ds: Promise<DataSource> };
let started: Started | undefined;
const start = ({ url, poolSize, settings, progress }: ThreadInit["init"]): Started => {
  const ds = createDataSource({ url, poolSize, applicationName: "tidings-worker-process" });
  return { settings, progress: threadProgress(progress), ds: ds.initialize() };
};

// One listener for every message, so that none arrives between two: the settings first, then batches.
port.on("message", async (m: ThreadInit | ThreadRequest) => {
  if ("init" in m) {
    started = start(m.init);
    return;
  }
  const { batch, ids, raws } = m;
  if (!started) {
    reply({ batch, kind: "error", error: "a batch reached the processing thread before its settings" });
    return;
  }
  const { settings, progress } = started;
  try {
    const ds = await started.ds;
    const known = new Map(
      raws.map(([id, bytes]) => [id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]),
    );
    const { results, failures } = await processBatch(
      ds,
      settings,
      ids,
      {
        onDeciding: (id) => progress.deciding(batch, id),
        onApplying: () => progress.applying(batch),
        gates,
      },
      known,
    );
    progress.finished(batch);
    reply({ batch, kind: "done", results, failures: failures.map((f) => ({ id: f.id, error: f.error.message })) });
  } catch (err) {
    progress.finished(batch);
    reply({ batch, kind: "error", error: (err as Error)?.message ?? String(err) });
  }
});
