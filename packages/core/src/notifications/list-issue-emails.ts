import { type EntityManager, OutboundEmailEntity, type OutboundStatus } from "@tidings/db";

export type IssueEmailLogEntry = {
  id: number;
  to: string;
  subject: string;
  kind: string;
  status: OutboundStatus;
  /** The SMTP server's reply (or our reason) when the last attempt failed; null otherwise. */
  error: string | null;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
};

/** D5: the issue's email log (`Issue.emails`), oldest first; failures carry the server's reply. */
export const listIssueEmails = async (db: EntityManager, input: { issueId: number }): Promise<IssueEmailLogEntry[]> => {
  const rows = await db.find(OutboundEmailEntity, { where: { issueId: input.issueId }, order: { id: "ASC" } });
  return rows.map((r) => ({
    id: r.id,
    to: r.toAddress,
    subject: r.subject,
    kind: r.kind,
    status: r.status,
    error: r.status === "sent" ? null : r.lastError,
    attempts: r.attempts,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
  }));
};
