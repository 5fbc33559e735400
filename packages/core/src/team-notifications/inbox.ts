// Issue 10.2: each user's notifications (the bell and the inbox) and their level per project.
import type { EntityManager } from "@tidings/db";
import { DomainError } from "../errors.ts";
import {
  DEFAULT_NOTIFICATION_LEVEL,
  NOTIFICATION_LEVELS,
  type NotificationLevel,
  type NotificationReason,
  type TeamEventKind,
} from "./levels.ts";

export type InboxEntry = {
  id: number;
  projectId: number;
  issueId: number;
  noteId: number | null;
  kind: TeamEventKind;
  reason: NotificationReason;
  createdAt: Date;
  readAt: Date | null;
};

type InboxRow = {
  id: number;
  project_id: number;
  issue_id: number;
  note_id: number | null;
  kind: TeamEventKind;
  reason: NotificationReason;
  created_at: Date;
  read_at: Date | null;
};
const COLUMNS = "id, project_id, issue_id, note_id, kind, reason, created_at, read_at";
const entryOf = (r: InboxRow): InboxEntry => ({
  id: r.id,
  projectId: r.project_id,
  issueId: r.issue_id,
  noteId: r.note_id,
  kind: r.kind,
  reason: r.reason,
  createdAt: r.created_at,
  readAt: r.read_at,
});

/** How many notifications the inbox shows at once (newest first). */
export const INBOX_PAGE = 50;

/** The user's newest notifications, before `beforeId` when paging. */
export const listNotifications = async (
  db: EntityManager,
  userId: number,
  page: { first?: number; beforeId?: number | null; unreadOnly?: boolean } = {},
): Promise<InboxEntry[]> => {
  const first = Math.min(Math.max(page.first ?? INBOX_PAGE, 1), 100);
  const rows: InboxRow[] = await db.query(
    `SELECT ${COLUMNS} FROM notifications
      WHERE user_id = $1 AND ($2::int IS NULL OR id < $2) AND (NOT $3 OR read_at IS NULL)
      ORDER BY id DESC LIMIT $4`,
    [userId, page.beforeId ?? null, page.unreadOnly ?? false, first],
  );
  return rows.map(entryOf);
};

/** One of the user's notifications (null: not theirs, or gone). */
export const findNotification = async (db: EntityManager, userId: number, id: number): Promise<InboxEntry | null> => {
  const [row]: InboxRow[] = await db.query(`SELECT ${COLUMNS} FROM notifications WHERE user_id = $1 AND id = $2`, [
    userId,
    id,
  ]);
  return row ? entryOf(row) : null;
};

/** Unread notifications per project (the caller counts only projects the user may still read). */
export const unreadNotificationCounts = async (db: EntityManager, userId: number): Promise<Map<number, number>> => {
  const rows: { project_id: number; n: number }[] = await db.query(
    `SELECT project_id, count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL GROUP BY project_id`,
    [userId],
  );
  return new Map(rows.map((r) => [r.project_id, r.n]));
};

/** The issues of one project the user has unread notifications about (one per notification). */
export const unreadNotificationIssueIds = async (db: EntityManager, userId: number, projectId: number) =>
  (
    (await db.query("SELECT issue_id FROM notifications WHERE user_id = $1 AND project_id = $2 AND read_at IS NULL", [
      userId,
      projectId,
    ])) as { issue_id: number }[]
  ).map((r) => r.issue_id);

/** Marks the user's notifications read: these ones, those of one issue, or all. Returns how many. */
export const markNotificationsRead = async (
  db: EntityManager,
  userId: number,
  scope: { ids: number[] } | { issueId: number } | { all: true },
): Promise<number> => {
  const [filter, arg] =
    "ids" in scope
      ? ["id = ANY($2::int[])", scope.ids]
      : "issueId" in scope
        ? ["issue_id = $2", scope.issueId]
        : ["$2::int IS NULL", null];
  const rows: unknown[] = await db.query(
    `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND ${filter} RETURNING id`,
    [userId, arg],
  );
  return rows.length;
};

/** The user's level on each project they chose one for (the rest are at the default). */
export const notificationLevels = async (
  db: EntityManager,
  userId: number,
): Promise<Map<number, NotificationLevel>> => {
  const rows: { project_id: number; level: NotificationLevel }[] = await db.query(
    "SELECT project_id, level FROM notification_settings WHERE user_id = $1",
    [userId],
  );
  return new Map(rows.map((r) => [r.project_id, r.level]));
};

export const levelOf = (levels: Map<number, NotificationLevel>, projectId: number) =>
  levels.get(projectId) ?? DEFAULT_NOTIFICATION_LEVEL;

/** Sets the user's level on a project (the caller checked they may read it). */
export const setNotificationLevel = async (
  db: EntityManager,
  userId: number,
  projectId: number,
  level: string,
): Promise<NotificationLevel> => {
  if (!(NOTIFICATION_LEVELS as readonly string[]).includes(level))
    throw new DomainError("INVALID_INPUT", `Choose one of: ${NOTIFICATION_LEVELS.join(", ")}.`);
  await db.query(
    `INSERT INTO notification_settings (user_id, project_id, level) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, project_id) DO UPDATE SET level = excluded.level, updated_at = now()`,
    [userId, projectId, level],
  );
  return level as NotificationLevel;
};
