// Issue 10.1: each user's read mark per issue. An issue is unread for a user when something happened on
// it (its updated_at) after they last read it; opening the thread marks it read.
import type { EntityManager } from "@tidings/db";
import { markNotificationsRead } from "../team-notifications/inbox.ts";

/** Reading an issue also reads the user's notifications about it (issue 10.2: the bell clears). */
export const markIssueRead = async (db: EntityManager, userId: number, issueId: number): Promise<void> => {
  await markNotificationsRead(db, userId, { issueId });
  await db.query(
    `INSERT INTO issue_reads (user_id, issue_id, read_at) VALUES ($1, $2, now())
     ON CONFLICT (user_id, issue_id) DO UPDATE SET read_at = now()`,
    [userId, issueId],
  );
};

/** When the user last read each of these issues (absent: never). One query. */
export const readMarks = async (
  db: EntityManager,
  userId: number,
  issueIds: readonly number[],
): Promise<Map<number, Date>> => {
  const rows: { issue_id: number; read_at: Date }[] = await db.query(
    "SELECT issue_id, read_at FROM issue_reads WHERE user_id = $1 AND issue_id = ANY($2::int[])",
    [userId, [...issueIds]],
  );
  return new Map(rows.map((r) => [r.issue_id, r.read_at]));
};

/** The rule: unread when it changed after the last read (or was never read). */
export const isUnread = (updatedAt: Date, readAt: Date | undefined) => !readAt || readAt < updatedAt;
