// vitest globalSetup: one embedded PostgreSQL for the whole run, a migrated template database,
// and each test file clones it (CREATE DATABASE … TEMPLATE, ~0.2 s), so files never share data.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { connectAndMigrate, createDataSource } from "../data-source.ts";
import { startEmbeddedPostgres } from "../embedded.ts";

export const TEMPLATE_DB = "tidings_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgBaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-test-pg-"));
  const db = await startEmbeddedPostgres({ dataDir: dir, throwaway: true });
  const base = new URL(db.url);
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  base.pathname = `/${TEMPLATE_DB}`;
  const ds = createDataSource({ url: base.toString(), poolSize: 2 });
  await connectAndMigrate(ds);
  await ds.destroy();
  base.pathname = "/";
  project.provide("pgBaseUrl", base.toString());
  return async () => {
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
