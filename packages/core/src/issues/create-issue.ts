import { type EntityManager, IssueEntity, rowsOf } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvents } from "../events/publish.ts";

/** GitLab's limit for descriptions, the same as for notes. */
export const MAX_DESCRIPTION_LENGTH = 1_000_000;

export type CreateIssueInput = {
  projectId: number;
  title: string;
  description?: string;
  authorId: number;
  confidential?: boolean;
  externalAuthor?: string | null;
  /**
   * The requester's display name as their email gave it (issue 10.3), "" for none; null when not known
   * (not from an email): the list then reads it from the stored email.
   */
  externalAuthorName?: string | null;
  messageId?: string | null;
};

const validate = (input: CreateIssueInput) => {
  const title = input.title.trim();
  if (!title) throw new DomainError("INVALID_INPUT", "Title can't be blank.");
  if (title.length > 255) throw new DomainError("INVALID_INPUT", "Title is too long (maximum is 255 characters).");
  if ((input.description ?? "").length > MAX_DESCRIPTION_LENGTH)
    throw new DomainError("INVALID_INPUT", "Description is too long (maximum is 1,000,000 characters).");
  return { ...input, title };
};

/**
 * Creates issues with the next per-project iids, in input order, with one statement per step whatever
 * their number (issue 14.1): one UPDATE allocates each project's iids (it takes the project row lock, so
 * concurrent creations serialise on it: iids are unique and, because a rolled-back transaction also rolls
 * back its increment, without gaps), one INSERT writes the issues, one statement publishes the events.
 */
export const createIssues = async (db: EntityManager, inputs: CreateIssueInput[]): Promise<IssueEntity[]> => {
  if (inputs.length === 0) return [];
  const valid = inputs.map(validate);
  const perProject = new Map<number, number>();
  for (const i of valid) perProject.set(i.projectId, (perProject.get(i.projectId) ?? 0) + 1);
  const allocated = rowsOf<{ id: number; last_issue_iid: number }>(
    await db.query(
      `UPDATE projects p SET last_issue_iid = p.last_issue_iid + u.n
         FROM unnest($1::int[], $2::int[]) AS u(id, n) WHERE p.id = u.id
       RETURNING p.id, p.last_issue_iid`,
      [[...perProject.keys()], [...perProject.values()]],
    ),
  );
  const next = new Map(allocated.map((r) => [r.id, r.last_issue_iid - (perProject.get(r.id) ?? 0) + 1]));
  const rows = valid.map((input) => {
    const iid = next.get(input.projectId);
    if (iid === undefined) throw new DomainError("NOT_FOUND", "Project not found.");
    next.set(input.projectId, iid + 1);
    return db.create(IssueEntity, {
      projectId: input.projectId,
      iid,
      title: input.title,
      description: input.description ?? "",
      authorId: input.authorId,
      confidential: input.confidential ?? false,
      externalAuthor: input.externalAuthor ?? null,
      externalAuthorName: input.externalAuthorName ?? null,
      messageId: input.messageId ?? null,
      state: "opened",
      movedToId: null,
      closedAt: null,
    });
  });
  const inserted: {
    id: number;
    project_id: number;
    iid: number;
    created_at: Date;
    updated_at: Date;
    last_customer_activity_at: Date;
    awaiting_reply_since: Date | null;
  }[] = await db.query(
    `INSERT INTO issues (project_id, iid, title, description, author_id, confidential, external_author,
                          external_author_name, message_id, state, awaiting_reply_since)
     SELECT u.project_id, u.iid, u.title, u.description, u.author_id, u.confidential, u.external_author,
            u.external_author_name, u.message_id, 'opened', CASE WHEN u.external_author IS NOT NULL THEN now() END
       FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::boolean[], $7::text[], $8::text[],
                   $9::text[])
            WITH ORDINALITY AS u(project_id, iid, title, description, author_id, confidential, external_author,
                                 message_id, external_author_name, n)
      ORDER BY u.n
     RETURNING id, project_id, iid, created_at, updated_at, last_customer_activity_at, awaiting_reply_since`,
    [
      rows.map((r) => r.projectId),
      rows.map((r) => r.iid),
      rows.map((r) => r.title),
      rows.map((r) => r.description),
      rows.map((r) => r.authorId),
      rows.map((r) => r.confidential),
      rows.map((r) => r.externalAuthor),
      rows.map((r) => r.messageId),
      rows.map((r) => r.externalAuthorName),
    ],
  );
  const byIid = new Map(inserted.map((r) => [`${r.project_id}:${r.iid}`, r]));
  for (const issue of rows) {
    const r = byIid.get(`${issue.projectId}:${issue.iid}`);
    if (!r) throw new Error(`Issue ${issue.projectId}#${issue.iid} was not inserted.`);
    issue.id = r.id;
    issue.createdAt = r.created_at;
    issue.updatedAt = r.updated_at;
    // Issue 10.1: a ticket from a customer waits for an answer from the moment it arrives.
    issue.lastCustomerActivityAt = r.last_customer_activity_at;
    issue.awaitingReplySince = r.awaiting_reply_since;
    issue.firstTeamReplyAt = null;
    issue.lastTeamReplyAt = null;
  }
  await publishEvents(
    db,
    rows.map((issue) => ({ type: "issue_created", projectId: issue.projectId, issueId: issue.id })),
  );
  return rows;
};

/** Creates one issue (see createIssues). */
export const createIssue = async (db: EntityManager, input: CreateIssueInput): Promise<IssueEntity> =>
  (await createIssues(db, [input]))[0];
