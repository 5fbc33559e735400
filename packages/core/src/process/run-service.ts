import type { Logger } from "../logger.ts";

export type ServiceHooks = {
  /** Stops the service's parts; must finish in-flight work or leave it safely retryable. */
  stop: () => Promise<void>;
  /** After this long, a stop that hangs ends the process with code 1. */
  stopTimeoutMs?: number;
};

/**
 * The lifecycle every long-running process shares (api, worker): crash on an unhandled error rather
 * than run on in an unknown state, stop cleanly on SIGINT/SIGTERM, and stop when the `npm start`
 * launcher's IPC channel closes (even if the launcher was killed outright).
 */
export const runUntilStopped = (log: Logger, name: string, hooks: ServiceHooks) => {
  process.on("unhandledRejection", (err) => {
    log.fatal({ err }, `${name}.unhandled_rejection`);
    process.exit(1);
  });
  process.on("uncaughtException", (err) => {
    log.fatal({ err }, `${name}.uncaught_exception`);
    process.exit(1);
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${name}.stopping`);
    const timer = setTimeout(() => process.exit(1), hooks.stopTimeoutMs ?? 15_000);
    try {
      await hooks.stop();
    } catch (err) {
      log.error({ err }, `${name}.stop_failed`);
    }
    clearTimeout(timer);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  if (process.send) process.on("disconnect", () => void stop("launcher-gone"));
};

/** api and worker need a database URL; `npm start` provides the embedded one. */
export const requireDatabaseUrl = (log: Logger, name: string, url: string | undefined): string => {
  if (url) return url;
  log.fatal(
    `DATABASE_URL is not set: run the ${name} through \`npm start\`, which provides the embedded database, or set it.`,
  );
  process.exit(78);
};
