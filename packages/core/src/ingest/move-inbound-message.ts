// Issue 12.6: reversible threading. A responder moves one inbound message (a note an email made) to another
// issue of the same project, or splits it out into a new issue. Its attachments and its ledger row follow;
// both issues get a system note; the sender becomes a participant of the destination; and the move is kept
// (inbound_message_moves) so later replies in that chain follow it. The caller checked the
// moveInboundMessage ability; the target issue must be in the note's project.
import { EmailParticipantEntity, type EntityManager, IssueEntity, NoteEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvents } from "../events/publish.ts";
import { addSystemNote } from "../issues/add-system-note.ts";
import { createIssue } from "../issues/create-issue.ts";
import { ensureSupportBot } from "../users/support-bot.ts";

export type MoveInboundMessageInput = {
  noteId: number;
  actorId: number;
  /** Another issue of the same project, or a new issue (split). */
  target: { issueId: number } | { newIssue: true };
};

export type MoveInboundMessageResult = { note: NoteEntity; from: IssueEntity; to: IssueEntity };

/** A note that an inbound email made: it has the email's Message-ID and its sender, and no author of ours. */
const isInboundNote = (n: NoteEntity) => !n.system && n.messageId !== null && n.externalAuthor !== null;

export const moveInboundMessage = async (
  db: EntityManager,
  input: MoveInboundMessageInput,
): Promise<MoveInboundMessageResult> => {
  const note = await db.findOne(NoteEntity, { where: { id: input.noteId }, lock: { mode: "pessimistic_write" } });
  if (!note) throw new DomainError("NOT_FOUND", "The message does not exist.");
  if (!isInboundNote(note)) {
    throw new DomainError(
      "INVALID_INPUT",
      "Only a message that came by email can be moved; comments stay where they were written.",
    );
  }
  const from = await db.findOneOrFail(IssueEntity, {
    where: { id: note.issueId },
    lock: { mode: "pessimistic_write" },
  });
  let to: IssueEntity;
  if ("issueId" in input.target) {
    const target = await db.findOne(IssueEntity, {
      where: { id: input.target.issueId },
      lock: { mode: "pessimistic_write" },
    });
    if (!target || target.projectId !== from.projectId) {
      throw new DomainError("INVALID_INPUT", "Choose an issue of this project to move the message to.");
    }
    if (target.id === from.id) throw new DomainError("INVALID_INPUT", "The message is already in this issue.");
    if (target.movedToId !== null) {
      throw new DomainError("INVALID_INPUT", "That issue was moved to another project; choose the issue it became.");
    }
    to = target;
  } else {
    const [row]: { subject: string | null }[] = await db.query(
      "SELECT subject FROM inbound_emails WHERE note_id = $1 ORDER BY id DESC LIMIT 1",
      [note.id],
    );
    const bot = await ensureSupportBot(db);
    to = await createIssue(db, {
      projectId: from.projectId,
      title: (row?.subject?.trim() || `Split from #${from.iid}`).replace(/\s+/g, " ").slice(0, 255),
      description: `Split from #${from.iid}: the customer's message is the first comment.`,
      authorId: bot.id,
      confidential: from.confidential,
      externalAuthor: note.externalAuthor,
    });
  }
  await db.query("UPDATE notes SET issue_id = $2, updated_at = now() WHERE id = $1", [note.id, to.id]);
  await db.query("UPDATE attachments SET issue_id = $2 WHERE note_id = $1", [note.id, to.id]);
  await db.query(
    `UPDATE inbound_emails SET issue_id = $2, route_reason = 'moved', route_detail = $3, updated_at = now()
      WHERE note_id = $1`,
    [note.id, to.id, String(from.iid)],
  );
  await db.query(
    `INSERT INTO inbound_message_moves (project_id, message_id, note_id, from_issue_id, to_issue_id, moved_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [from.projectId, note.messageId, note.id, from.id, to.id, input.actorId],
  );
  // The sender joins the conversation they were moved into (unless they are its requester already).
  const sender = note.externalAuthor?.toLowerCase() ?? "";
  if (sender && to.externalAuthor?.toLowerCase() !== sender) {
    const known = await db.findBy(EmailParticipantEntity, { issueId: to.id });
    if (!known.some((p) => p.email.toLowerCase() === sender)) {
      await db.insert(EmailParticipantEntity, { issueId: to.id, email: note.externalAuthor as string });
    }
  }
  await addSystemNote(db, {
    projectId: from.projectId,
    issueId: from.id,
    authorId: input.actorId,
    body: `moved an email to #${to.iid}`,
  });
  await addSystemNote(db, {
    projectId: from.projectId,
    issueId: to.id,
    authorId: input.actorId,
    body: `moved an email here from #${from.iid}`,
  });
  await publishEvents(db, [
    { type: "issue_updated", projectId: from.projectId, issueId: from.id },
    { type: "issue_updated", projectId: from.projectId, issueId: to.id },
    { type: "note_created", projectId: from.projectId, issueId: to.id, noteId: note.id },
  ]);
  return { note: { ...note, issueId: to.id }, from, to };
};
