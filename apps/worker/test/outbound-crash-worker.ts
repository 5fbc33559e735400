// A worker with only the outbox runner, for the outbound crash drills:
// `node --import tsx outbound-crash-worker.ts <stage>`. "after-250" kills itself with SIGKILL right after
// the server's 250 for an email, before `sent` is committed; "none" runs on (the test kills it mid-send).
// The lease keeps its production length (5 min): the drills prove it is not what frees a dead worker's claims.
import "reflect-metadata";
import { loadConfig } from "@tidings/config";
import { createLogger } from "@tidings/core";
import { createDataSource } from "@tidings/db";
import { startOutbound } from "../src/outbound/index.ts";

const stage = process.argv[2] ?? "none";
const config = loadConfig();
if (!config.DATABASE_URL) throw new Error("DATABASE_URL is required");
const dataSource = createDataSource({
  url: config.DATABASE_URL,
  poolSize: 10,
  applicationName: "tidings-outbound-crash-worker",
});
await dataSource.initialize();
const log = createLogger(config.LOG_LEVEL, "outbound-crash-worker");

await startOutbound(
  { config, dataSource, log },
  {
    concurrency: 4,
    claimBatch: 16,
    hooks: {
      afterSend:
        stage === "after-250"
          ? () => {
              process.kill(process.pid, "SIGKILL");
            }
          : undefined,
    },
  },
);
process.stdout.write("ready\n");
