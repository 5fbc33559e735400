import type { Config } from "@tidings/config";
import type { Logger } from "@tidings/core";
import type { DataSource } from "@tidings/db";

/** What every worker module receives; created once in main.ts. */
export type WorkerContext = {
  config: Config;
  dataSource: DataSource;
  log: Logger;
  /**
   * A loop that cannot continue calls this: by default it ends the process (the supervisor starts a
   * fresh one). Tests running a worker in their own process pass a function that records the failure.
   */
  fatal?: (err: Error) => void;
};

/** Ends the process through runUntilStopped's uncaughtException handler (logged, exit code 1). */
export const crashProcess = (err: Error) =>
  setImmediate(() => {
    throw err;
  });

/** A started component; stop() must finish in-flight work or leave it safely retryable. */
export type Stoppable = { stop: () => Promise<void> };
