import type { Config } from "@tidings/config";
import type { Logger } from "@tidings/core";
import type { DataSource } from "@tidings/db";

/** What every worker module receives; created once in main.ts. */
export type WorkerContext = { config: Config; dataSource: DataSource; log: Logger };

/** A started component; stop() must finish in-flight work or leave it safely retryable. */
export type Stoppable = { stop: () => Promise<void> };
