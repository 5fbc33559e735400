import { type EntityManager, IssueEntity, NoteEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvent } from "../events/publish.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { queueNewNoteEmails } from "../notifications/queue-emails.ts";
import { notifyTeam } from "../team-notifications/notify-team.ts";

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
 * Issue 10.1, the waiting state, from the thread: a public message from the customer makes the issue wait
 * for an answer (from its first unanswered message on); a public reply by a person of the team answers
 * it. Internal and system notes, and the Support Bot's own, change nothing.
 */
const WAITING_UPDATE = {
  customer: ", last_customer_activity_at = now(), awaiting_reply_since = coalesce(awaiting_reply_since, now())",
  team: ", last_team_reply_at = now(), first_team_reply_at = coalesce(first_team_reply_at, now()), awaiting_reply_since = NULL",
  none: "",
} as const;

const publicSpeaker = async (db: EntityManager, note: NoteEntity): Promise<keyof typeof WAITING_UPDATE> => {
  if (note.internal || note.system) return "none";
  if (note.externalAuthor) return "customer";
  const [author] = await db.query("SELECT user_type FROM users WHERE id = $1", [note.authorId]);
  return author?.user_type === "human" ? "team" : "none";
};

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
  const speaker = await publicSpeaker(db, note);
  await db.query(`UPDATE issues SET updated_at = now()${WAITING_UPDATE[speaker]} WHERE id = $1`, [issue.id]);
  await publishEvent(db, { type: "note_created", projectId: issue.projectId, issueId: issue.id, noteId: note.id });
  // The list shows who waits (issue 10.1): it hears of a change in the waiting state.
  if (speaker !== "none")
    await publishEvent(db, { type: "issue_updated", projectId: issue.projectId, issueId: issue.id });
  if (input.sendEmail !== false) await queueNewNoteEmails(db, mail, { noteId: note.id });
  // Issue 10.2: a customer's reply is never left unseen: its assignee (or the watchers) hear of it.
  if (speaker === "customer")
    await notifyTeam(db, mail, [{ kind: "customer_reply", issueId: issue.id, noteId: note.id }]);
  return note;
};
