// Service Desk data over the demo seed, for the authorisation matrix and the other api tests.
import { TEST_MAIL_SETTINGS as mail } from "@tidings/core/src/notifications/testing/mail-settings.ts";
import { createIssue, createNote, findOrCreateLabels } from "@tidings/core";
import {
  type DataSource,
  EmailParticipantEntity,
  type EntityManager,
  IssueEntity,
  OutboundEmailEntity,
  ProjectEntity,
  SUPPORT_BOT_USERNAME,
  UserEntity,
} from "@tidings/db";

export const VIEWERS = [
  "admin",
  "owner",
  "maintainer",
  "developer",
  "reporter",
  "guest",
  "outsider",
  "anonymous",
] as const;
export type ViewerName = (typeof VIEWERS)[number];

/** Each demo user's role per project (contract.md's demo seed); admin is an instance admin. */
export const ROLE_LEVEL: Record<"demo/app" | "demo/other", Partial<Record<ViewerName, number>>> = {
  "demo/app": { owner: 50, maintainer: 40, developer: 30, reporter: 20, guest: 10 },
  "demo/other": { owner: 50, maintainer: 40 },
};

export const levelOf = (project: keyof typeof ROLE_LEVEL, viewer: ViewerName): number | null =>
  viewer === "admin" ? 100 : (ROLE_LEVEL[project][viewer] ?? null);

export type ProjectFixture = {
  project: ProjectEntity;
  /** A confidential Service Desk issue with a participant, a public and an internal note, an email log entry. */
  confidential: IssueEntity;
  /** A non-confidential Service Desk issue with the same kind of data. */
  open: IssueEntity;
  requester: string;
};

export const serviceDeskIssue = async (
  db: EntityManager,
  input: { projectId: number; title: string; confidential: boolean; requester: string },
) => {
  const bot = await db.findOneByOrFail(UserEntity, { username: SUPPORT_BOT_USERNAME });
  const issue = await createIssue(db, {
    projectId: input.projectId,
    title: input.title,
    description: `Sent by ${input.requester}`,
    authorId: bot.id,
    confidential: input.confidential,
    externalAuthor: input.requester,
  });
  await db.save(db.create(EmailParticipantEntity, { issueId: issue.id, email: input.requester }));
  return issue;
};

const fillIssue = async (db: EntityManager, issue: IssueEntity, requester: string, assignee: string) => {
  const bot = await db.findOneByOrFail(UserEntity, { username: SUPPORT_BOT_USERNAME });
  const user = await db.findOneByOrFail(UserEntity, { username: assignee });
  await createNote(db, mail, {
    issueId: issue.id,
    authorId: bot.id,
    body: "Customer reply",
    externalAuthor: requester,
  });
  await createNote(db, mail, { issueId: issue.id, authorId: user.id, body: "Internal remark", internal: true });
  const [label] = await findOrCreateLabels(db, { projectId: issue.projectId, titles: ["customer"] });
  await db.query("INSERT INTO issue_labels (issue_id, label_id) VALUES ($1, $2)", [issue.id, label.id]);
  await db.query("INSERT INTO issue_assignees (issue_id, user_id) VALUES ($1, $2)", [issue.id, user.id]);
  await db.save(
    db.create(OutboundEmailEntity, {
      kind: "thank_you",
      projectId: issue.projectId,
      issueId: issue.id,
      toAddress: requester,
      subject: `Re: ${issue.title} (#${issue.iid})`,
      messageId: `fixture-${issue.id}@tidings.localhost`,
      textBody: "Thank you",
      status: "sent",
      sentAt: new Date(),
    }),
  );
};

export const createFixtures = async (ds: DataSource) =>
  ds.transaction(async (db) => {
    const out = {} as Record<"demo/app" | "demo/other", ProjectFixture>;
    for (const [fullPath, assignee] of [
      ["demo/app", "developer"],
      ["demo/other", "maintainer"],
    ] as const) {
      const project = await db.findOneByOrFail(ProjectEntity, { fullPath });
      const requester = `jane.${project.path}@customer.example`;
      const confidential = await serviceDeskIssue(db, {
        projectId: project.id,
        title: `Confidential ticket in ${fullPath}`,
        confidential: true,
        requester,
      });
      const open = await serviceDeskIssue(db, {
        projectId: project.id,
        title: `Open ticket in ${fullPath}`,
        confidential: false,
        requester,
      });
      await fillIssue(db, confidential, requester, assignee);
      await fillIssue(db, open, requester, assignee);
      out[fullPath] = { project, confidential, open, requester };
    }
    return out;
  });
