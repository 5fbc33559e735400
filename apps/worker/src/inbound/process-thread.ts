// Issue 15.1: the entry of a processing thread. Parsing and applying one stored message happens here, on
// its own event loop with its own connection pool, so the SMTP listener and the ledger insert on the
// main loop never wait behind it. The boundary is "process one stored message id".
import { parentPort, workerData } from "node:worker_threads";
import { type IngestSettings, processInboundEmail } from "@tidings/core";
import { createDataSource } from "@tidings/db";

export type ThreadData = { url: string; settings: IngestSettings; poolSize: number };
export type ThreadRequest = { id: number };
export type ThreadReply =
  | { id: number; ok: true; result: Awaited<ReturnType<typeof processInboundEmail>> }
  | { id: number; ok: false; error: string };

const data = workerData as ThreadData;
const port = parentPort;
if (!port) throw new Error("process-thread.ts runs only as a worker thread");
const ds = createDataSource({ url: data.url, poolSize: data.poolSize, applicationName: "tidings-worker-process" });
const ready = ds.initialize();

port.on("message", async ({ id }: ThreadRequest) => {
  try {
    await ready;
    const result = await processInboundEmail(ds, data.settings, id);
    port.postMessage({ id, ok: true, result } satisfies ThreadReply);
  } catch (err) {
    port.postMessage({ id, ok: false, error: (err as Error)?.message ?? String(err) } satisfies ThreadReply);
  }
});
