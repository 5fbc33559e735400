// `npm run db:migrate` / `npm run db:rollback`: apply or revert migrations on DATABASE_URL,
// or on the embedded database under DATA_DIR when DATABASE_URL is unset.
import { loadConfigOrExit } from "@tidings/config";
import { connectAndMigrate, createDataSource } from "./data-source.ts";
import { embeddedOptionsFrom, startEmbeddedPostgres } from "./embedded.ts";

const command = process.argv[2];
if (command !== "migrate" && command !== "rollback") {
  console.error("usage: cli.ts migrate|rollback");
  process.exit(2);
}
const config = loadConfigOrExit();
const embedded = config.DATABASE_URL ? null : await startEmbeddedPostgres(embeddedOptionsFrom(config));
const ds = createDataSource({ url: config.DATABASE_URL ?? (embedded?.url as string), poolSize: 2 });
try {
  if (command === "migrate") {
    const applied = await connectAndMigrate(ds);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "schema is up to date");
  } else {
    await ds.initialize();
    await ds.undoLastMigration({ transaction: "each" });
    console.log("reverted the last migration");
  }
} finally {
  if (ds.isInitialized) await ds.destroy();
  await embedded?.stop();
}
