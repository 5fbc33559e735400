// The api process: GraphQL (HTTP + WebSocket), sign-in, the SPA. Wiring only.
import "reflect-metadata";
import { loadConfigOrExit } from "@tidings/config";
import { createLogger, mailSettingsFromConfig, requireDatabaseUrl, runUntilStopped, seedDemo } from "@tidings/core";
import { connectAndMigrate, createDataSource } from "@tidings/db";
import { type AppPubSub, createPgPubSub } from "./graphql/pubsub.ts";
import { buildApiSchema } from "./graphql/schema.ts";
import { createServer } from "./server.ts";

const config = loadConfigOrExit();
const log = createLogger(config.LOG_LEVEL, "api");
const url = requireDatabaseUrl(log, "api", config.DATABASE_URL);
const dataSource = createDataSource({ url, poolSize: 20, applicationName: "tidings-api" });
let pubSub: AppPubSub | null = null;
let server: Awaited<ReturnType<typeof createServer>> | null = null;
runUntilStopped(log, "api", {
  stopTimeoutMs: 10_000,
  stop: async () => {
    await server?.close().catch((err) => log.error({ err }, "api.close_failed"));
    await pubSub?.close();
    if (dataSource.isInitialized) await dataSource.destroy();
  },
});
await connectAndMigrate(dataSource);
// Run on its own (containers), the api seeds the demo when given its password; `npm start` seeds first.
if (config.SEED_DEMO && config.DEMO_PASSWORD) {
  const password = config.DEMO_PASSWORD;
  if (await dataSource.transaction((m) => seedDemo(m, { password }))) log.info("demo.seeded");
}
pubSub = await createPgPubSub(url, log);
server = await createServer(
  { config, dataSource, log, pubSub, mail: mailSettingsFromConfig(config) },
  { schema: await buildApiSchema(pubSub) },
);
const port = await server.listen(config.PORT, config.HOST);
log.info({ port, url: config.PUBLIC_URL }, "api.ready");
