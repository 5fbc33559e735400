// Issue 11.3: drafts that survive. The composer saves what is being written (debounced) per user and
// issue; an empty text removes the draft; posting a comment removes it too (postComment).
import type { EntityManager } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { MAX_NOTE_LENGTH } from "../notes/create-note.ts";

export type NoteDraft = { body: string; internal: boolean; updatedAt: Date };

export const saveDraft = async (
  db: EntityManager,
  input: { userId: number; issueId: number; body: string; internal: boolean },
): Promise<NoteDraft | null> => {
  if (input.body.length > MAX_NOTE_LENGTH)
    throw new DomainError("INVALID_INPUT", "Draft is too long (maximum is 1,000,000 characters).");
  if (!input.body.trim()) {
    await discardDraft(db, input.userId, input.issueId);
    return null;
  }
  const [row] = await db.query(
    `INSERT INTO note_drafts (user_id, issue_id, body, internal, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (user_id, issue_id) DO UPDATE SET body = EXCLUDED.body, internal = EXCLUDED.internal, updated_at = now()
     RETURNING body, internal, updated_at`,
    [input.userId, input.issueId, input.body, input.internal],
  );
  return { body: row.body, internal: row.internal, updatedAt: row.updated_at };
};

export const readDraft = async (db: EntityManager, userId: number, issueId: number): Promise<NoteDraft | null> => {
  const [row] = await db.query(
    `SELECT body, internal, updated_at FROM note_drafts WHERE user_id = $1 AND issue_id = $2`,
    [userId, issueId],
  );
  return row ? { body: row.body, internal: row.internal, updatedAt: row.updated_at } : null;
};

export const discardDraft = async (db: EntityManager, userId: number, issueId: number): Promise<void> => {
  await db.query(`DELETE FROM note_drafts WHERE user_id = $1 AND issue_id = $2`, [userId, issueId]);
};
