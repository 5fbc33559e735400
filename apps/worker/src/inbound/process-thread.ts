// Issues 14.1 and 15.1: the entry of a processing thread. Claiming, deciding (parsing) and applying a batch
// of stored messages happens here, on its own event loop with its own connection pool, so the SMTP
// listener and the ledger on the main loop never wait behind it. The boundary is "process these ids".
import { parentPort, threadId, workerData } from "node:worker_threads";
import type { IngestSettings, ProcessResult } from "@tidings/core";
// Only the ingest pipeline is loaded here (not the whole of @tidings/core): each thread pays for what it loads.
import { processBatch } from "@tidings/core/src/ingest/process-inbound-email.ts";
import { createDataSource } from "@tidings/db";

export type ThreadData = {
  url: string;
  settings: IngestSettings;
  poolSize: number;
  /** Shared by the pool's threads: the id of the thread deciding a large group, 0 when none. */
  bigLock: Int32Array;
};

/** A group of more stored bytes than this is large: one at a time across the threads. */
export const LARGE_GROUP_BYTES = 2 * 1024 * 1024;
/** The ids to process, and the bytes of those the main thread still holds (moved, not copied). */
export type ThreadRequest = { ids: number[]; raws: [number, Uint8Array][] };
export type ThreadReply =
  /** The time budget of this message starts now. */
  | { kind: "deciding"; id: number }
  /** Every message is decided; the batch's transaction begins. */
  | { kind: "applying" }
  | { kind: "done"; results: ProcessResult[]; failures: { id: number; error: string }[] }
  | { kind: "error"; error: string };

const data = workerData as ThreadData;
const port = parentPort;
if (!port) throw new Error("process-thread.ts runs only as a worker thread");
const ds = createDataSource({ url: data.url, poolSize: data.poolSize, applicationName: "tidings-worker-process" });
const ready = ds.initialize();
const reply = (m: ThreadReply) => port.postMessage(m);

/** Runs a large group while holding the pool's lock (Atomics: waits, blocking only this thread). */
const oneLargeAtATime = async <T>(bytes: number, run: () => Promise<T>): Promise<T> => {
  if (bytes <= LARGE_GROUP_BYTES) return run();
  const lock = data.bigLock;
  while (Atomics.compareExchange(lock, 0, 0, threadId) !== 0) Atomics.wait(lock, 0, Atomics.load(lock, 0), 1_000);
  try {
    return await run();
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0);
  }
};

port.on("message", async ({ ids, raws }: ThreadRequest) => {
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
        onDeciding: (id) => reply({ kind: "deciding", id }),
        onApplying: () => reply({ kind: "applying" }),
        aroundGroup: oneLargeAtATime,
      },
      known,
    );
    reply({ kind: "done", results, failures: failures.map((f) => ({ id: f.id, error: f.error.message })) });
  } catch (err) {
    reply({ kind: "error", error: (err as Error)?.message ?? String(err) });
  }
});
