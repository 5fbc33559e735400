import { type EntityManager, IssueEntity, NoteEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvent } from "../events/publish.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { queueNewNoteEmails } from "../notifications/queue-emails.ts";

export type CreateNoteInput = {
  issueId: number;
  authorId: number;
  body: string;
  internal?: boolean;
  system?: boolean;
  externalAuthor?: string | null;
  messageId?: string | null;
  /**
   * Uploads (attachment rows) that belong to this note. They are linked before the new-note emails are
   * queued, so the emails carry them as files (D2: up to 10 MB in total).
   */
  attachmentIds?: number[];
  /** False: the note is stored but not emailed (a comment that adds participants, GitLab item 30). */
  sendEmail?: boolean;
};

export const MAX_NOTE_LENGTH = 1_000_000;

/**
 * Adds a note to an issue, bumps the issue, publishes note_created, and — for public notes only —
 * queues the new-note emails in the same transaction (D2, D5).
 */
export const createNote = async (
  db: EntityManager,
  mail: MailSettings,
  input: CreateNoteInput,
): Promise<NoteEntity> => {
  const body = input.body.trim();
  if (!body) throw new DomainError("INVALID_INPUT", "Note can't be blank.");
  if (body.length > MAX_NOTE_LENGTH)
    throw new DomainError("INVALID_INPUT", "Note is too long (maximum is 1,000,000 characters).");
  const issue = await db.findOneBy(IssueEntity, { id: input.issueId });
  if (!issue) throw new DomainError("NOT_FOUND", "The issue does not exist.");
  const note = await db.save(
    db.create(NoteEntity, {
      issueId: issue.id,
      authorId: input.authorId,
      body: input.body,
      internal: input.internal ?? false,
      system: input.system ?? false,
      externalAuthor: input.externalAuthor ?? null,
      messageId: input.messageId ?? null,
    }),
  );
  if (input.attachmentIds?.length) {
    await db.query(`UPDATE attachments SET issue_id = $1, note_id = $2 WHERE id = ANY($3) AND project_id = $4`, [
      issue.id,
      note.id,
      input.attachmentIds,
      issue.projectId,
    ]);
  }
  await db.update(IssueEntity, { id: issue.id }, { updatedAt: () => "now()" });
  await publishEvent(db, { type: "note_created", projectId: issue.projectId, issueId: issue.id, noteId: note.id });
  if (input.sendEmail !== false) await queueNewNoteEmails(db, mail, { noteId: note.id });
  return note;
};
