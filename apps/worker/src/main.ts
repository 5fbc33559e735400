// The worker process: mail in (SMTP listener, IMAP consumers) and mail out (the outbox runner).
// Wiring only; the work lives in ./inbound, ./outbound and packages/core.
import "reflect-metadata";
import { ConfigError, loadConfig } from "@tidings/config";
import { createLogger } from "@tidings/core";
import { connectAndMigrate, createDataSource } from "@tidings/db";
import type { Stoppable, WorkerContext } from "./context.ts";
import { startInbound } from "./inbound/index.ts";
import { startOutbound } from "./outbound/index.ts";

const main = async () => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL, "worker");
  if (!config.DATABASE_URL) {
    log.fatal(
      "DATABASE_URL is not set: run the worker through `npm start`, which provides the embedded database, or set it.",
    );
    process.exit(78);
  }
  process.on("unhandledRejection", (err) => {
    log.fatal({ err }, "worker.unhandled_rejection");
    process.exit(1);
  });
  process.on("uncaughtException", (err) => {
    log.fatal({ err }, "worker.uncaught_exception");
    process.exit(1);
  });
  const dataSource = createDataSource({ url: config.DATABASE_URL, poolSize: 10, applicationName: "tidings-worker" });
  await connectAndMigrate(dataSource);
  const ctx: WorkerContext = { config, dataSource, log };
  const parts: Stoppable[] = [];
  parts.push(await startInbound(ctx));
  parts.push(await startOutbound(ctx));
  log.info({ smtpPort: config.INBOUND_SMTP_PORT || null }, "worker.ready");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "worker.stopping");
    const timer = setTimeout(() => process.exit(1), 15_000);
    for (const part of parts.reverse()) await part.stop().catch((err) => log.error({ err }, "worker.stop_failed"));
    await dataSource.destroy();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // Started by `npm start`: exit with the launcher, even when it was killed outright.
  if (process.send) process.on("disconnect", () => void stop("launcher-gone"));
};

await main();
