// Issue 11: a responder's comment from the composer — quick actions read and run with the author's
// permissions (11.1), files attached (11.2), "Comment & close" (11.6), and the stale-reply check the
// server makes itself (11.5): a public reply written before a newer customer message or team reply
// arrived is not sent until the author has seen it.
import type { EntityManager, NoteEntity } from "@tidings/db";
import { discardDraft } from "../drafts/drafts.ts";
import { DomainError } from "../errors.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import type { ProjectAbilities } from "../permissions/abilities.ts";
import { parseQuickActions, type QuickCommand } from "../quick-actions/parse.ts";
import { applyQuickActions, type PlanContext, planQuickActions, QUICK_ACTION_DENIED } from "../quick-actions/run.ts";
import { createNote } from "./create-note.ts";
import { noteWasEmailed } from "./edit-note.ts";

export type PostCommentInput = {
  issue: PlanContext["issue"];
  author: { id: number; username: string };
  abilities: ProjectAbilities;
  projectByPath: PlanContext["projectByPath"];
  body: string;
  internal: boolean;
  attachmentIds?: number[];
  /** Who uploaded the files: a comment attaches only its author's own uploads that nothing holds yet. */
  uploaderId?: number;
  /** "Comment & close" / "Comment & reopen". */
  stateEvent?: "close" | "reopen" | null;
  /**
   * The newest note the author had seen when writing. A public reply is refused (outcome `stale`) when a
   * newer public message from someone else has arrived since; sending again with the newer id confirms.
   */
  lastSeenNoteId?: number | null;
  /** A comment by email (a team member's reply to a notification, issue 10.2): its Message-ID. */
  messageId?: string | null;
};

export type PostCommentOutcome =
  | { kind: "posted"; note: NoteEntity | null; issueId: number; messages: string[]; emailed: boolean }
  | { kind: "stale"; newerNoteIds: number[] };

export const STALE_REPLY_MESSAGE =
  "New activity arrived on this ticket while you were writing. Read it, then send again to confirm your reply.";

/** Public messages by others newer than `lastSeen`: the customer's replies and other responders' replies. */
const newerPublicNotes = async (db: EntityManager, issueId: number, authorId: number, lastSeen: number) => {
  const rows: { id: number }[] = await db.query(
    `SELECT id FROM notes WHERE issue_id = $1 AND id > $2 AND NOT internal AND NOT system
       AND (author_id <> $3 OR external_author IS NOT NULL) ORDER BY id`,
    [issueId, lastSeen, authorId],
  );
  return rows.map((r) => r.id);
};

export const UPLOAD_NOT_YOURS =
  "A file can't be attached: it is not an upload of yours to this project, or it is already attached elsewhere.";

const checkUploads = async (db: EntityManager, projectId: number, uploaderId: number, ids: number[]) => {
  const rows: { id: number }[] = await db.query(
    `SELECT id FROM attachments WHERE id = ANY($1::int[]) AND project_id = $2 AND uploaded_by_id = $3
       AND issue_id IS NULL AND note_id IS NULL AND inbound_email_id IS NULL FOR UPDATE`,
    [ids, projectId, uploaderId],
  );
  if (rows.length !== new Set(ids).size) throw new DomainError("INVALID_INPUT", UPLOAD_NOT_YOURS);
};

export const postComment = async (
  db: EntityManager,
  mail: MailSettings,
  input: PostCommentInput,
): Promise<PostCommentOutcome> => {
  const parsed = parseQuickActions(input.body);
  const commands: QuickCommand[] = [...parsed.commands];
  if (input.stateEvent) commands.push({ name: input.stateEvent, args: "" });
  const plan = await planQuickActions(
    { issue: input.issue, actor: input.author, abilities: input.abilities, projectByPath: input.projectByPath },
    commands,
  );
  const internal = input.internal || plan.internal;
  if (internal && !input.abilities.createInternalNote) throw new DomainError("FORBIDDEN", QUICK_ACTION_DENIED.internal);
  const hasFiles = (input.attachmentIds?.length ?? 0) > 0;
  const hasText = parsed.text !== "" || hasFiles;
  if (!hasText && commands.length === 0) throw new DomainError("INVALID_INPUT", "Note can't be blank.");
  if (!hasText && commands.every((c) => c.name === "internal"))
    throw new DomainError("INVALID_INPUT", "Note can't be blank: /internal marks a note, write the note too.");

  if (hasFiles)
    await checkUploads(db, input.issue.projectId, input.uploaderId ?? input.author.id, input.attachmentIds ?? []);
  if (hasText && !internal && input.lastSeenNoteId != null) {
    const newer = await newerPublicNotes(db, input.issue.id, input.author.id, input.lastSeenNoteId);
    if (newer.length) return { kind: "stale", newerNoteIds: newer };
  }

  const note = hasText
    ? await createNote(db, mail, {
        issueId: input.issue.id,
        authorId: input.author.id,
        body: parsed.text || "(attached files)",
        internal,
        messageId: input.messageId ?? null,
        attachmentIds: input.attachmentIds,
        sendEmail: !plan.suppressEmail,
      })
    : null;
  const applied = await applyQuickActions(db, mail, { issueId: input.issue.id, actorId: input.author.id, plan });
  // Sent: the author's draft of it is done (issue 11.3).
  await discardDraft(db, input.author.id, input.issue.id);
  return {
    kind: "posted",
    note,
    issueId: applied.issueId,
    messages: applied.messages,
    // Said from the outbox, not from the note's kind: "Sent to the customer" must not show when every
    // participant unsubscribed or the ticket has none.
    emailed: note !== null && (await noteWasEmailed(db, note.id)),
  };
};
