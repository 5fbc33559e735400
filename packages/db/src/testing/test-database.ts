import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DataSource } from "typeorm";
import { inject } from "vitest";
import { createDataSource } from "../data-source.ts";
import { TEMPLATE_DB } from "./global-setup.ts";

export type TestDatabase = { url: string; name: string; dataSource: DataSource; drop: () => Promise<void> };

const adminQuery = async (sql: string) => {
  const url = new URL(inject("pgBaseUrl"));
  url.pathname = "/postgres";
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};

/** A fresh, migrated database for one test file (cloned from the template). */
export const createTestDatabase = async (opts: { migrated?: boolean } = {}): Promise<TestDatabase> => {
  const name = `t_${randomBytes(6).toString("hex")}`;
  await adminQuery(
    opts.migrated === false ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`,
  );
  const url = new URL(inject("pgBaseUrl"));
  url.pathname = `/${name}`;
  const dataSource = createDataSource({ url: url.toString(), poolSize: 10 });
  await dataSource.initialize();
  return {
    url: url.toString(),
    name,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
};
