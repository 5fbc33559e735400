// Issue 11.4: saved replies (GitLab's comment templates), personal or shared in a project. The caller
// checks who may manage a project's (adminSavedReplies: Maintainer+) and read them (readSavedReplies).
import type { EntityManager } from "@tidings/db";
import { DomainError } from "../errors.ts";

export const MAX_SAVED_REPLY_NAME = 255;
export const MAX_SAVED_REPLY_CONTENT = 10_000;

export type SavedReply = {
  id: number;
  userId: number | null;
  projectId: number | null;
  name: string;
  content: string;
  updatedAt: Date;
};

type Row = {
  id: number;
  user_id: number | null;
  project_id: number | null;
  name: string;
  content: string;
  updated_at: Date;
};
const fromRow = (r: Row): SavedReply => ({
  id: r.id,
  userId: r.user_id,
  projectId: r.project_id,
  name: r.name,
  content: r.content,
  updatedAt: r.updated_at,
});

const validate = (name: string, content: string): string[] => {
  const errors: string[] = [];
  if (!name.trim()) errors.push("Name can't be blank.");
  if (name.length > MAX_SAVED_REPLY_NAME)
    errors.push(`Name is too long (maximum is ${MAX_SAVED_REPLY_NAME} characters).`);
  if (!content.trim()) errors.push("Content can't be blank.");
  if (content.length > MAX_SAVED_REPLY_CONTENT)
    errors.push(`Content is too long (maximum is ${MAX_SAVED_REPLY_CONTENT.toLocaleString("en")} characters).`);
  return errors;
};

const TAKEN = "Name has already been taken.";
const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === "23505";

/** The viewer's own saved replies, then the project's (when `projectId` is given), each by name. */
export const listSavedReplies = async (
  db: EntityManager,
  input: { userId: number; projectId: number | null },
): Promise<SavedReply[]> =>
  (
    await db.query(
      `SELECT id, user_id, project_id, name, content, updated_at FROM saved_replies
        WHERE user_id = $1 OR ($2::int IS NOT NULL AND project_id = $2)
        ORDER BY project_id NULLS FIRST, lower(name)`,
      [input.userId, input.projectId],
    )
  ).map(fromRow);

export const findSavedReply = async (db: EntityManager, id: number): Promise<SavedReply | null> => {
  const [row] = await db.query(
    `SELECT id, user_id, project_id, name, content, updated_at FROM saved_replies WHERE id = $1`,
    [id],
  );
  return row ? fromRow(row) : null;
};

/** A duplicate name is said as a sentence (the caller's transaction is then rolled back as for any refusal). */
const withNameCheck = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError("INVALID_INPUT", TAKEN);
    throw err;
  }
};

export const createSavedReply = async (
  db: EntityManager,
  input: { owner: { userId: number } | { projectId: number }; name: string; content: string },
): Promise<SavedReply> => {
  const name = input.name.trim();
  const errors = validate(name, input.content);
  if (errors.length) throw new DomainError("INVALID_INPUT", errors.join(" "), { cause: errors });
  const userId = "userId" in input.owner ? input.owner.userId : null;
  const projectId = "projectId" in input.owner ? input.owner.projectId : null;
  return withNameCheck(async () => {
    const [row] = await db.query(
      `INSERT INTO saved_replies (user_id, project_id, name, content) VALUES ($1, $2, $3, $4)
       RETURNING id, user_id, project_id, name, content, updated_at`,
      [userId, projectId, name, input.content],
    );
    return fromRow(row);
  });
};

export const updateSavedReply = async (
  db: EntityManager,
  input: { id: number; name: string; content: string },
): Promise<SavedReply> => {
  const name = input.name.trim();
  const errors = validate(name, input.content);
  if (errors.length) throw new DomainError("INVALID_INPUT", errors.join(" "), { cause: errors });
  return withNameCheck(async () => {
    const [rows] = await db.query(
      `UPDATE saved_replies SET name = $2, content = $3, updated_at = now() WHERE id = $1
       RETURNING id, user_id, project_id, name, content, updated_at`,
      [input.id, name, input.content],
    );
    if (!rows?.[0]) throw new DomainError("NOT_FOUND", "The saved reply does not exist.");
    return fromRow(rows[0]);
  });
};

export const deleteSavedReply = async (db: EntityManager, id: number): Promise<void> => {
  await db.query(`DELETE FROM saved_replies WHERE id = $1`, [id]);
};
