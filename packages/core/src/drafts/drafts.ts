// Issue 11.3: drafts that survive. The composer saves what is being written (debounced) per user and
// issue; an empty text removes the draft; posting a comment removes it too (postComment).
import type { EntityManager } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { MAX_NOTE_LENGTH } from "../notes/create-note.ts";

/**
 * `lastSeenNoteId`: the newest note the author had seen when they began writing (null: none recorded), so
 * the stale-reply check (postComment's lastSeenNoteId) survives a reload of the page.
 */
export type NoteDraft = { body: string; internal: boolean; lastSeenNoteId: number | null; updatedAt: Date };

const draftOf = (row: { body: string; internal: boolean; last_seen_note_id: number | null; updated_at: Date }) => ({
  body: row.body,
  internal: row.internal,
  lastSeenNoteId: row.last_seen_note_id,
  updatedAt: row.updated_at,
});

export const saveDraft = async (
  db: EntityManager,
  input: { userId: number; issueId: number; body: string; internal: boolean; lastSeenNoteId?: number | null },
): Promise<NoteDraft | null> => {
  if (input.body.length > MAX_NOTE_LENGTH)
    throw new DomainError("INVALID_INPUT", "Draft is too long (maximum is 1,000,000 characters).");
  if (!input.body.trim()) {
    await discardDraft(db, input.userId, input.issueId);
    return null;
  }
  // The mark is the one of the draft's beginning: a later save without one keeps it.
  const [row] = await db.query(
    `INSERT INTO note_drafts (user_id, issue_id, body, internal, last_seen_note_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (user_id, issue_id) DO UPDATE SET body = EXCLUDED.body, internal = EXCLUDED.internal,
       last_seen_note_id = coalesce(EXCLUDED.last_seen_note_id, note_drafts.last_seen_note_id), updated_at = now()
     RETURNING body, internal, last_seen_note_id, updated_at`,
    [input.userId, input.issueId, input.body, input.internal, input.lastSeenNoteId ?? null],
  );
  return draftOf(row);
};

export const readDraft = async (db: EntityManager, userId: number, issueId: number): Promise<NoteDraft | null> => {
  const [row] = await db.query(
    `SELECT body, internal, last_seen_note_id, updated_at FROM note_drafts WHERE user_id = $1 AND issue_id = $2`,
    [userId, issueId],
  );
  return row ? draftOf(row) : null;
};

export const discardDraft = async (db: EntityManager, userId: number, issueId: number): Promise<void> => {
  await db.query(`DELETE FROM note_drafts WHERE user_id = $1 AND issue_id = $2`, [userId, issueId]);
};
