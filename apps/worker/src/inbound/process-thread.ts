// Issues 14.1 and 15.1: the entry of a processing thread. Claiming, deciding (parsing) and applying a batch
// of stored messages happens here, on its own event loop with its own connection pool, so the SMTP
// listener and the ledger on the main loop never wait behind it. The boundary is "process these ids".
import { parentPort, workerData } from "node:worker_threads";
import type { IngestSettings, ProcessResult } from "@tidings/core";
import { serialGate } from "@tidings/core/src/ingest/gates.ts";
// Only the ingest pipeline is loaded here (not the whole of @tidings/core): each thread pays for what it loads.
import { processBatch } from "@tidings/core/src/ingest/process-inbound-email.ts";
import { createDataSource } from "@tidings/db";
import { threadProgress } from "./thread-progress.ts";

/** `progress`: where this thread writes what it decides and applies (thread-progress.ts), for the budget. */
export type ThreadData = { url: string; settings: IngestSettings; poolSize: number; progress: SharedArrayBuffer };
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

const data = workerData as ThreadData;
const port = parentPort;
if (!port) throw new Error("process-thread.ts runs only as a worker thread");
const ds = createDataSource({ url: data.url, poolSize: data.poolSize, applicationName: "tidings-worker-process" });
const ready = ds.initialize();
const reply = (m: ThreadReply) => port.postMessage(m);
const progress = threadProgress(data.progress);
/** Batches arrive while others run: one decides while another applies, never two in one stage. */
const gates = { decide: serialGate(), apply: serialGate() };

port.on("message", async ({ batch, ids, raws }: ThreadRequest) => {
  try {
    await ready;
    const known = new Map(
      raws.map(([id, bytes]) => [id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]),
    );
    const { results, failures } = await processBatch(
      ds,
      data.settings,
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
