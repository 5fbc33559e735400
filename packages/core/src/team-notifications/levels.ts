// Issue 10.2: who on the team hears of what. One source for the levels, the events and the rule.

/** GitLab's names: `watch` every new ticket and customer reply; `assigned` only one's own; `disabled` none. */
export const NOTIFICATION_LEVELS = ["watch", "assigned", "disabled"] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];
/** Without a choice, a member hears only of tickets assigned to them: watching is opted into. */
export const DEFAULT_NOTIFICATION_LEVEL: NotificationLevel = "assigned";

/** The inbox's page in the web app (its emails link to it; the web's router serves it). */
export const INBOX_PATH = "/notifications";

export type TeamEventKind = "new_ticket" | "customer_reply";
export type NotificationReason = "assigned" | "watching";

/** Something a customer did that the team should hear of. */
export type TeamEvent = { kind: TeamEventKind; issueId: number; noteId: number | null };

/** A user who might hear of an event on an issue: assigned to it, or with a level for its project. */
export type Candidate = { userId: number; level: NotificationLevel; assigned: boolean; mayRead: boolean };

/**
 * The rule (pure): the assignees hear of everything on their tickets unless they turned notifications
 * off; watchers hear of every new ticket, and of replies on tickets nobody is assigned to. Nobody hears
 * of an issue they may not read.
 */
export const teamRecipients = (
  kind: TeamEventKind,
  candidates: readonly Candidate[],
): { userId: number; reason: NotificationReason }[] => {
  const assigned = candidates.some((c) => c.assigned);
  const out: { userId: number; reason: NotificationReason }[] = [];
  for (const c of candidates) {
    if (!c.mayRead || c.level === "disabled") continue;
    if (c.assigned) out.push({ userId: c.userId, reason: "assigned" });
    else if (c.level === "watch" && (kind === "new_ticket" || !assigned))
      out.push({ userId: c.userId, reason: "watching" });
  }
  return out;
};
