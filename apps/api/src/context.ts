import type { Config } from "@tidings/config";
import type { Logger, MailSettings, Viewer } from "@tidings/core";
import type { DataSource } from "@tidings/db";
import type { AppPubSub } from "./graphql/pubsub.ts";

/** Process-wide dependencies, created once in main.ts (or by a test). */
export type ApiDeps = { config: Config; dataSource: DataSource; log: Logger; mail: MailSettings; pubSub: AppPubSub };

/** Per-request (or per-WebSocket-operation) GraphQL context. */
export type ApiContext = ApiDeps & {
  viewer: Viewer;
  requestId: string;
  /** Who the request's limits count against: `user:<id>` or `address:<ip>` (new-query-budget.ts). */
  client: string;
};
