// The worker process: mail in (SMTP listener, IMAP and Graph consumers), mail out (the outbox runner), and
// the mail-health sampler.
// Wiring only; the work lives in ./inbound, ./outbound and packages/core.
import "reflect-metadata";
import { loadConfigOrExit } from "@tidings/config";
import { createLogger, requireDatabaseUrl, runUntilStopped, startHeartbeat } from "@tidings/core";
import { connectAndMigrate, createDataSource } from "@tidings/db";
import type { Stoppable, WorkerContext } from "./context.ts";
import { startCanary } from "./health/canary.ts";
import { startHealthSampler } from "./health/sampler.ts";
import { startInbound } from "./inbound/index.ts";
import { startOutbound } from "./outbound/index.ts";

const config = loadConfigOrExit();
const log = createLogger(config.LOG_LEVEL, "worker");
const url = requireDatabaseUrl(log, "worker", config.DATABASE_URL);
const dataSource = createDataSource({ url, poolSize: 10, applicationName: "tidings-worker" });
const parts: Stoppable[] = [];
runUntilStopped(log, "worker", {
  stop: async () => {
    for (const part of parts.reverse()) await part.stop().catch((err) => log.error({ err }, "worker.stop_failed"));
    if (dataSource.isInitialized) await dataSource.destroy();
  },
});
await connectAndMigrate(dataSource);
const ctx: WorkerContext = { config, dataSource, log };
const inbound = await startInbound(ctx);
parts.push(inbound);
// The thank-yous of a burst go out after its issues are in (issue 14.3): the runner yields to the backlog.
parts.push(await startOutbound(ctx, { yieldTo: inbound.backlog }));
parts.push(await startHeartbeat(dataSource.manager, "worker", log));
parts.push(startHealthSampler(ctx));
parts.push(startCanary(ctx));
log.info({ smtpPort: config.INBOUND_SMTP_PORT || null }, "worker.ready");
