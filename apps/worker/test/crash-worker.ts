// A worker with only the inbound side, for the crash drills: `node --import tsx crash-worker.ts <stage>`
// kills itself with SIGKILL at the given stage: "after-store" (a message is committed to the ledger,
// not applied) or "after-apply" (the batch is applied, the IMAP flags are not set yet); "none" runs on.
// The drills poll fast (a sweep every 300 ms picks up what a killed worker left). "production" runs on
// with the worker's own timings (a sweep every 5 s), for the benchmarks: what they measure is what a
// deployment runs.
import "reflect-metadata";
import { loadConfig } from "@tidings/config";
import { createLogger } from "@tidings/core";
import { createDataSource } from "@tidings/db";
import { startInbound } from "../src/inbound/index.ts";

const stage = process.argv[2] ?? "none";
const config = loadConfig();
if (!config.DATABASE_URL) throw new Error("DATABASE_URL is required");
const dataSource = createDataSource({
  url: config.DATABASE_URL,
  poolSize: 10,
  applicationName: "tidings-crash-worker",
});
await dataSource.initialize();
const log = createLogger(config.LOG_LEVEL, "crash-worker");
const die = (): void => {
  process.kill(process.pid, "SIGKILL");
};

const drillTimings = { imapPollMs: 60_000, leaseRetryMs: 200, sweepIntervalMs: 300 };

await startInbound(
  { config, dataSource, log },
  {
    ...(stage === "production" ? {} : drillTimings),
    imapHooks: {
      afterStore: stage === "after-store" ? () => die() : undefined,
      beforeFlag:
        stage === "after-apply"
          ? async (ids) => {
              for (;;) {
                const rows: { n: number }[] = await dataSource.query(
                  `SELECT count(*)::int AS n FROM inbound_emails WHERE id = ANY($1) AND status = 'received'`,
                  [ids],
                );
                if (rows[0].n === 0) die();
                await new Promise((r) => setTimeout(r, 20));
              }
            }
          : undefined,
    },
  },
);
process.stdout.write("ready\n");
