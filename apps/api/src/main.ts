// The api process: GraphQL (HTTP + WebSocket), sign-in, the SPA. Wiring only.
import "reflect-metadata";
import { ConfigError, loadConfig } from "@tidings/config";
import { createLogger, mailSettingsFromConfig, seedDemo } from "@tidings/core";
import { connectAndMigrate, createDataSource } from "@tidings/db";
import { createPgPubSub } from "./graphql/pubsub.ts";
import { buildApiSchema } from "./graphql/schema.ts";
import { createServer } from "./server.ts";

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
  const log = createLogger(config.LOG_LEVEL, "api");
  if (!config.DATABASE_URL) {
    log.fatal(
      "DATABASE_URL is not set: run the api through `npm start`, which provides the embedded database, or set it.",
    );
    process.exit(78);
  }
  process.on("unhandledRejection", (err) => {
    log.fatal({ err }, "api.unhandled_rejection");
    process.exit(1);
  });
  const dataSource = createDataSource({ url: config.DATABASE_URL, poolSize: 20, applicationName: "tidings-api" });
  await connectAndMigrate(dataSource);
  // Run on its own (containers), the api seeds the demo when given its password; `npm start` seeds first.
  if (config.SEED_DEMO && config.DEMO_PASSWORD) {
    const password = config.DEMO_PASSWORD;
    if (await dataSource.transaction((m) => seedDemo(m, { password }))) log.info("demo.seeded");
  }
  const pubSub = await createPgPubSub(config.DATABASE_URL, log);
  const schema = await buildApiSchema(pubSub);
  const server = await createServer(
    { config, dataSource, log, pubSub, mail: mailSettingsFromConfig(config) },
    { schema },
  );
  const port = await server.listen(config.PORT, config.HOST);
  log.info({ port, url: config.PUBLIC_URL }, "api.ready");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "api.stopping");
    const timer = setTimeout(() => process.exit(1), 10_000);
    await server.close().catch((err) => log.error({ err }, "api.close_failed"));
    await pubSub.close();
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
