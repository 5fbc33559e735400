// Seeds a Service Desk ticket the way the mail-in pipeline leaves it: an issue by Support Bot, the
// requester as an email participant, the thank-you email queued in the same transaction.
import { loadConfig } from "@tidings/config";
import {
  createGroup,
  createIssue,
  createLogger,
  createProject,
  createUser,
  ensureSupportBot,
  type MailSettings,
  mailSettingsFromConfig,
  queueThankYouEmail,
} from "@tidings/core";
import { type DataSource, EmailParticipantEntity, ServiceDeskSettingEntity } from "@tidings/db";
import type { WorkerContext } from "../src/context.ts";

export const TEST_PUBLIC_URL = "https://desk.example.com";
export const TEST_EMAIL_FROM = "support@desk.example.com";

/** A worker context for tests: the test database, DATA_DIR, and SMTP_URL (unset → .eml files). */
export const testWorkerContext = (opts: {
  databaseUrl: string;
  dataSource: DataSource;
  dataDir: string;
  smtpUrl?: string;
}) => {
  const config = loadConfig({
    DATABASE_URL: opts.databaseUrl,
    DATA_DIR: opts.dataDir,
    SMTP_URL: opts.smtpUrl,
    PUBLIC_URL: TEST_PUBLIC_URL,
    EMAIL_FROM: TEST_EMAIL_FROM,
    LOG_LEVEL: "silent",
  });
  const ctx: WorkerContext = { config, dataSource: opts.dataSource, log: createLogger("silent") };
  return { ctx, config, mail: mailSettingsFromConfig(config) };
};

export type SeededTicket = {
  projectId: number;
  issueId: number;
  iid: number;
  botId: number;
  agentId: number;
  requesterId: number;
};

let counter = 0;

/** A new project (own group) with one ticket from `requester`; the thank-you is queued. */
export const seedTicket = async (
  ds: DataSource,
  mail: MailSettings,
  opts: { requester?: string; title?: string; outgoingName?: string | null; description?: string } = {},
): Promise<SeededTicket> =>
  ds.transaction(async (m) => {
    counter++;
    const suffix = `${Date.now().toString(36)}${counter}`;
    const bot = await ensureSupportBot(m);
    await createGroup(m, { path: `acme${suffix}` });
    const project = await createProject(m, {
      groupPath: `acme${suffix}`,
      path: "desk",
      name: "Acme Desk",
      serviceDeskEnabled: true,
    });
    if (opts.outgoingName !== null) {
      await m.update(
        ServiceDeskSettingEntity,
        { projectId: project.id },
        { outgoingName: opts.outgoingName ?? "Acme Support" },
      );
    }
    const agent = await createUser(m, { username: `sam${suffix}`, name: "Sam Agent", email: `sam${suffix}@acme.test` });
    const requester = opts.requester ?? "jane@customer.test";
    const issue = await createIssue(m, {
      projectId: project.id,
      title: opts.title ?? "Printer on fire",
      description: opts.description ?? "It **burns**.",
      authorId: bot.id,
      externalAuthor: requester,
      confidential: true,
    });
    const participant = await m.save(m.create(EmailParticipantEntity, { issueId: issue.id, email: requester }));
    await queueThankYouEmail(m, mail, { issueId: issue.id, participantId: participant.id });
    return {
      projectId: project.id,
      issueId: issue.id,
      iid: issue.iid,
      botId: bot.id,
      agentId: agent.id,
      requesterId: participant.id,
    };
  });

/** Adds another email participant (as a Cc would). */
export const addParticipant = async (ds: DataSource, issueId: number, email: string) =>
  (await ds.getRepository(EmailParticipantEntity).save({ issueId, email })).id;
