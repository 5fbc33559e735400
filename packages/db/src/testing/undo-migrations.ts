import type { DataSource } from "typeorm";
import { MIGRATIONS } from "../migrations/index.ts";

/**
 * For a test of one migration on a database that already holds data: the names of that migration and every
 * later one, which must be undone to reach the database it upgrades (and are applied again after).
 */
export const migrationsFrom = (name: string): string[] => {
  const names = MIGRATIONS.map((m) => new m().name);
  const at = names.indexOf(name);
  if (at < 0) throw new Error(`no migration named ${name}`);
  return names.slice(at);
};

/** Undoes migration `name` and every later one; returns their names, in the order they apply. */
export const undoMigrationsFrom = async (ds: DataSource, name: string): Promise<string[]> => {
  const names = migrationsFrom(name);
  for (const _ of names) await ds.undoLastMigration({ transaction: "each" });
  return names;
};
