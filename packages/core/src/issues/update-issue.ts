import { type EntityManager, IssueAssigneeEntity, IssueEntity, IssueLabelEntity, UserEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvent } from "../events/publish.ts";
import { findOrCreateLabels } from "../labels/find-or-create-labels.ts";
import { accessLevelFor } from "../permissions/abilities.ts";
import { addSystemNote } from "./add-system-note.ts";

export type UpdateIssueInput = {
  issueId: number;
  actorId: number;
  stateEvent?: "close" | "reopen" | null;
  title?: string | null;
  confidential?: boolean | null;
  /** Replaces the labels (titles; missing labels are created in the project). */
  labels?: string[] | null;
  /** Replaces the assignees. */
  assigneeUsernames?: string[] | null;
};

export const MAX_ASSIGNEES = 100;

/**
 * Changes an issue's state, title, confidentiality, labels and assignees (the caller has checked the
 * actor may: Reporter+), adds a system note per change and publishes issue_updated. Validates
 * everything before changing anything.
 */
export const updateIssue = async (db: EntityManager, input: UpdateIssueInput): Promise<IssueEntity> => {
  const issue = await db.findOne(IssueEntity, { where: { id: input.issueId }, lock: { mode: "pessimistic_write" } });
  if (!issue) throw new DomainError("NOT_FOUND", "The issue does not exist.");
  const errors: string[] = [];
  const title = input.title?.trim();
  if (input.title != null && !title) errors.push("Title can't be blank.");
  if (title && title.length > 255) errors.push("Title is too long (maximum is 255 characters).");
  let assignees: UserEntity[] | null = null;
  if (input.assigneeUsernames) {
    const wanted = [...new Set(input.assigneeUsernames.map((u) => u.trim().replace(/^@/, "").toLowerCase()))];
    if (wanted.length > MAX_ASSIGNEES) errors.push(`An issue can have at most ${MAX_ASSIGNEES} assignees.`);
    const users = wanted.length
      ? await db.createQueryBuilder(UserEntity, "u").where("lower(u.username) IN (:...wanted)", { wanted }).getMany()
      : [];
    const found = new Map(users.map((u) => [u.username.toLowerCase(), u]));
    assignees = [];
    for (const name of wanted) {
      const user = found.get(name);
      const level = user && user.userType === "human" ? await accessLevelFor(db, user, issue.projectId) : null;
      if (!user || (level === null && !user.admin))
        errors.push(`${name} can't be assigned: there is no member of this project with that username.`);
      else assignees.push(user);
    }
  }
  if (input.stateEvent === "close" && issue.state === "closed") errors.push("The issue is already closed.");
  if (input.stateEvent === "reopen" && issue.state === "opened") errors.push("The issue is already open.");
  if (errors.length) throw new DomainError("INVALID_INPUT", errors.join(" "), { cause: errors });

  const notes: string[] = [];
  if (title && title !== issue.title) {
    notes.push(`changed title from **${issue.title}** to **${title}**`);
    issue.title = title;
  }
  if (input.confidential != null && input.confidential !== issue.confidential) {
    notes.push(input.confidential ? "made the issue confidential" : "made the issue visible to everyone");
    issue.confidential = input.confidential;
  }
  if (input.stateEvent === "close") {
    issue.state = "closed";
    issue.closedAt = new Date();
    notes.push("closed");
  } else if (input.stateEvent === "reopen") {
    issue.state = "opened";
    issue.closedAt = null;
    notes.push("reopened");
  }
  if (input.labels) {
    const labels = await findOrCreateLabels(db, { projectId: issue.projectId, titles: input.labels });
    const current: { label_id: number; title: string }[] = await db.query(
      "SELECT il.label_id, l.title FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = $1",
      [issue.id],
    );
    const next = new Set(labels.map((l) => l.id));
    const removed = current.filter((c) => !next.has(c.label_id));
    const added = labels.filter((l) => !current.some((c) => c.label_id === l.id));
    if (removed.length)
      await db.query("DELETE FROM issue_labels WHERE issue_id = $1 AND label_id = ANY($2::int[])", [
        issue.id,
        removed.map((r) => r.label_id),
      ]);
    if (added.length)
      await db.insert(
        IssueLabelEntity,
        added.map((l) => ({ issueId: issue.id, labelId: l.id })),
      );
    const parts = [
      added.length ? `added ${added.map((l) => `~"${l.title}"`).join(" ")}` : "",
      removed.length ? `removed ${removed.map((l) => `~"${l.title}"`).join(" ")}` : "",
    ].filter(Boolean);
    if (parts.length) notes.push(`${parts.join(" and ")} ${added.length + removed.length === 1 ? "label" : "labels"}`);
  }
  if (assignees) {
    const current = await db.findBy(IssueAssigneeEntity, { issueId: issue.id });
    const next = new Set(assignees.map((u) => u.id));
    const removedIds = current.filter((c) => !next.has(c.userId)).map((c) => c.userId);
    const added = assignees.filter((u) => !current.some((c) => c.userId === u.id));
    if (removedIds.length)
      await db.query("DELETE FROM issue_assignees WHERE issue_id = $1 AND user_id = ANY($2::int[])", [
        issue.id,
        removedIds,
      ]);
    if (added.length)
      await db.insert(
        IssueAssigneeEntity,
        added.map((u) => ({ issueId: issue.id, userId: u.id })),
      );
    if (added.length) notes.push(`assigned to ${added.map((u) => `@${u.username}`).join(" ")}`);
    if (removedIds.length) {
      const removedUsers: { username: string }[] = await db.query(
        "SELECT username FROM users WHERE id = ANY($1::int[]) ORDER BY username",
        [removedIds],
      );
      notes.push(`unassigned ${removedUsers.map((u) => `@${u.username}`).join(" ")}`);
    }
  }
  if (notes.length === 0) return issue;
  issue.updatedAt = new Date();
  await db.save(issue);
  for (const body of notes) {
    await addSystemNote(db, { projectId: issue.projectId, issueId: issue.id, authorId: input.actorId, body });
  }
  await publishEvent(db, { type: "issue_updated", projectId: issue.projectId, issueId: issue.id });
  return issue;
};
