// Value sets stored in the database, defined once next to the entities that store them.
export const AccessLevel = { Guest: 10, Reporter: 20, Developer: 30, Maintainer: 40, Owner: 50 } as const;
export type AccessLevel = (typeof AccessLevel)[keyof typeof AccessLevel];

export const Visibility = { Private: "private", Internal: "internal", Public: "public" } as const;
export type Visibility = (typeof Visibility)[keyof typeof Visibility];

export const IssueState = { Opened: "opened", Closed: "closed" } as const;
export type IssueState = (typeof IssueState)[keyof typeof IssueState];

export const UserType = { Human: "human", SupportBot: "support_bot" } as const;
export type UserType = (typeof UserType)[keyof typeof UserType];

/** Lifecycle of a received message: every row ends in issue, note, ignored, rejected or failed. */
export const InboundStatus = {
  Received: "received",
  Issue: "issue",
  Note: "note",
  Unsubscribed: "unsubscribed",
  Duplicate: "duplicate",
  Ignored: "ignored",
  Rejected: "rejected",
  Failed: "failed",
  Deleted: "deleted",
} as const;
export type InboundStatus = (typeof InboundStatus)[keyof typeof InboundStatus];
/** The statuses an admin sees in the quarantine. */
export const QUARANTINE_STATUSES: InboundStatus[] = ["ignored", "rejected", "failed"];

export const InboundTransport = {
  Smtp: "smtp",
  Imap: "imap",
  Graph: "graph",
  Webhook: "webhook",
  Retry: "retry",
} as const;
export type InboundTransport = (typeof InboundTransport)[keyof typeof InboundTransport];

export const OutboundStatus = { Queued: "queued", Sending: "sending", Sent: "sent", Failed: "failed" } as const;
export type OutboundStatus = (typeof OutboundStatus)[keyof typeof OutboundStatus];

export const OutboundKind = {
  ThankYou: "thank_you",
  NewNote: "new_note",
  NewParticipant: "new_participant",
  Rejection: "rejection",
  /** Issue 13.2: sent through a project's own SMTP server to prove its custom address (GitLab item 34). */
  CustomEmailVerification: "custom_email_verification",
  /** Issue 13.4: a probe through the outbound path to a Service Desk address, and the admins' alert. */
  Canary: "canary",
  AdminAlert: "admin_alert",
  /** Issue 10.2: a new ticket or a customer's reply, told to a member of the team (never to a customer). */
  TeamNotification: "team_notification",
} as const;
export type OutboundKind = (typeof OutboundKind)[keyof typeof OutboundKind];

export const SUPPORT_BOT_USERNAME = "support-bot";
