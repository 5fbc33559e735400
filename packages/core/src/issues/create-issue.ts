import { type EntityManager, IssueEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvent } from "../events/publish.ts";

/** GitLab's limit for descriptions, the same as for notes. */
export const MAX_DESCRIPTION_LENGTH = 1_000_000;

export type CreateIssueInput = {
  projectId: number;
  title: string;
  description?: string;
  authorId: number;
  confidential?: boolean;
  externalAuthor?: string | null;
  messageId?: string | null;
};

/**
 * Creates an issue with the next per-project iid. The UPDATE … RETURNING takes the project row lock,
 * so concurrent creations serialise on it: iids are unique and, because a rolled-back transaction
 * also rolls back its increment, without gaps.
 */
export const createIssue = async (db: EntityManager, input: CreateIssueInput): Promise<IssueEntity> => {
  const title = input.title.trim();
  if (!title) throw new DomainError("INVALID_INPUT", "Title can't be blank.");
  if (title.length > 255) throw new DomainError("INVALID_INPUT", "Title is too long (maximum is 255 characters).");
  if ((input.description ?? "").length > MAX_DESCRIPTION_LENGTH)
    throw new DomainError("INVALID_INPUT", "Description is too long (maximum is 1,000,000 characters).");
  const [rows] = await db.query(
    `UPDATE projects SET last_issue_iid = last_issue_iid + 1 WHERE id = $1 RETURNING last_issue_iid`,
    [input.projectId],
  );
  const iid = rows?.[0]?.last_issue_iid ?? rows?.last_issue_iid;
  if (iid === undefined) throw new DomainError("NOT_FOUND", "Project not found.");
  const issue = await db.save(
    db.create(IssueEntity, {
      projectId: input.projectId,
      iid,
      title,
      description: input.description ?? "",
      authorId: input.authorId,
      confidential: input.confidential ?? false,
      externalAuthor: input.externalAuthor ?? null,
      messageId: input.messageId ?? null,
      state: "opened",
    }),
  );
  await publishEvent(db, { type: "issue_created", projectId: issue.projectId, issueId: issue.id });
  return issue;
};
