import { EmailParticipantEntity, type EntityManager, IssueEntity, ProjectEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvent } from "../events/publish.ts";
import { findOrCreateLabels } from "../labels/find-or-create-labels.ts";
import { addSystemNote } from "./add-system-note.ts";
import { createIssue } from "./create-issue.ts";

export type MoveIssueInput = { issueId: number; targetProjectId: number; actorId: number };

/**
 * Moves an issue to another project, as GitLab's Issues::MoveService (gitlab-reference item 41): the new
 * issue keeps author, external author, confidentiality, description, labels (recreated by title),
 * assignees and notes; email participants are copied and sent notifications re-pointed, so the
 * requester's replies to earlier emails land in the new issue. The old issue is closed and points to
 * the new one. The caller has checked Reporter+ on both projects.
 */
export const moveIssue = async (db: EntityManager, input: MoveIssueInput): Promise<IssueEntity> => {
  const issue = await db.findOne(IssueEntity, { where: { id: input.issueId }, lock: { mode: "pessimistic_write" } });
  if (!issue) throw new DomainError("NOT_FOUND", "The issue does not exist.");
  if (issue.movedToId !== null) throw new DomainError("INVALID_INPUT", "Cannot move issue which was already moved.");
  if (issue.projectId === input.targetProjectId)
    throw new DomainError("INVALID_INPUT", "Cannot move issue to project it originates from.");
  const source = await db.findOneByOrFail(ProjectEntity, { id: issue.projectId });
  const target = await db.findOneBy(ProjectEntity, { id: input.targetProjectId });
  if (!target) throw new DomainError("NOT_FOUND", "Cannot move issue due to insufficient permissions.");

  const moved = await createIssue(db, {
    projectId: target.id,
    title: issue.title,
    description: issue.description,
    authorId: issue.authorId,
    confidential: issue.confidential,
    externalAuthor: issue.externalAuthor,
    messageId: issue.messageId,
  });
  // The waiting state travels with the conversation (issue 10.1).
  await db.query(
    `UPDATE issues SET last_customer_activity_at = $2, awaiting_reply_since = $3, first_team_reply_at = $4,
            last_team_reply_at = $5 WHERE id = $1`,
    [moved.id, issue.lastCustomerActivityAt, issue.awaitingReplySince, issue.firstTeamReplyAt, issue.lastTeamReplyAt],
  );
  const labels: { title: string }[] = await db.query(
    "SELECT l.title FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = $1",
    [issue.id],
  );
  const newLabels = await findOrCreateLabels(db, { projectId: target.id, titles: labels.map((l) => l.title) });
  if (newLabels.length)
    await db.query("INSERT INTO issue_labels (issue_id, label_id) SELECT $1, unnest($2::int[])", [
      moved.id,
      newLabels.map((l) => l.id),
    ]);
  await db.query(
    "INSERT INTO issue_assignees (issue_id, user_id) SELECT $1, user_id FROM issue_assignees WHERE issue_id = $2",
    [moved.id, issue.id],
  );
  await db.query(
    `INSERT INTO notes (issue_id, author_id, body, internal, system, external_author, message_id, created_at, updated_at)
     SELECT $1, author_id, body, internal, system, external_author, message_id, created_at, updated_at
     FROM notes WHERE issue_id = $2 ORDER BY created_at, id`,
    [moved.id, issue.id],
  );
  // Email participants are copied; every reply key now resolves to the new issue (GitLab 15.7).
  const participants = await db.findBy(EmailParticipantEntity, { issueId: issue.id });
  for (const p of participants) {
    const copy = await db.save(
      db.create(EmailParticipantEntity, { issueId: moved.id, email: p.email, unsubscribedAt: p.unsubscribedAt }),
    );
    await db.query("UPDATE sent_notifications SET participant_id = $1 WHERE participant_id = $2", [copy.id, p.id]);
  }
  await db.query("UPDATE sent_notifications SET issue_id = $1, project_id = $2 WHERE issue_id = $3", [
    moved.id,
    target.id,
    issue.id,
  ]);

  await db.query(
    "UPDATE issues SET moved_to_id = $1, state = 'closed', closed_at = coalesce(closed_at, now()), updated_at = now() WHERE id = $2",
    [moved.id, issue.id],
  );
  await addSystemNote(db, {
    projectId: target.id,
    issueId: moved.id,
    authorId: input.actorId,
    body: `moved from ${source.fullPath}#${issue.iid}`,
  });
  await addSystemNote(db, {
    projectId: source.id,
    issueId: issue.id,
    authorId: input.actorId,
    body: `moved to ${target.fullPath}#${moved.iid}`,
  });
  await publishEvent(db, { type: "issue_updated", projectId: source.id, issueId: issue.id });
  return moved;
};
