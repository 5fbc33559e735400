import type { DataSource } from "typeorm";

/**
 * A user, a group and a project written with plain SQL (no entity, no use case), for migration tests that
 * fill a database at an earlier schema: these three tables have not changed since the first migration.
 */
export const insertMinimalProject = async (ds: DataSource): Promise<{ userId: number; projectId: number }> => {
  const [{ id: userId }] = await ds.query(
    `INSERT INTO users (username, name, email) VALUES ('agent', 'Agent', 'agent@tidings.localhost') RETURNING id`,
  );
  const [{ id: groupId }] = await ds.query(
    `INSERT INTO groups (path, name, full_path) VALUES ('g', 'G', 'g') RETURNING id`,
  );
  const [{ id: projectId }] = await ds.query(
    `INSERT INTO projects (group_id, path, name, full_path, full_path_slug) VALUES ($1, 'p', 'P', 'g/p', 'g-p') RETURNING id`,
    [groupId],
  );
  return { userId, projectId };
};
