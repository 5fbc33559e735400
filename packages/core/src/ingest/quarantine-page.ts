// Issue 14.3: the quarantine's page and its counts (the navigation badge, the page's total) cost what the
// quarantine shows, never what the ledger holds. A project's page reads its rows newest first through the
// partial index that holds only quarantined mail (migration 1765001302000); the counts are the database's
// kept counts (operations/mail-status-counts.ts).
import { type EntityManager, InboundEmailEntity, type InboundStatus, QUARANTINE_STATUSES } from "@tidings/db";
import { readKeptCount } from "../operations/mail-status-counts.ts";

/** One project's quarantine or the whole instance's (`"all"`: admins), of one status or of every one. */
export type QuarantineScope = { projectId: number | "all"; status: InboundStatus | null };

/** The columns a row of the quarantine shows (never the raw bytes). */
const COLUMNS = [
  "e.id",
  "e.status",
  "e.reason",
  "e.fromAddress",
  "e.envelopeFrom",
  "e.envelopeTo",
  "e.subject",
  "e.messageId",
  "e.transport",
  "e.sizeBytes",
  "e.attempts",
  "e.receivedAt",
  "e.processedAt",
  "e.projectId",
  "e.issueId",
];

/**
 * A project's newest quarantined ids: the newest of each status, one descent of the project index
 * (project_id, status, id) each, merged. Asked as one range over the statuses, the planner could not tell a
 * project's share of the quarantine from its share of the ledger and walked the ledger instead.
 */
const projectPageIds = async (
  db: EntityManager,
  projectId: number,
  statuses: readonly string[],
  page: { limit: number; afterId: number | null },
): Promise<number[]> => {
  const before = page.afterId === null ? "" : " AND id < $3";
  const first = page.afterId === null ? 3 : 4;
  const branches = statuses.map(
    (_, i) =>
      `(SELECT id FROM inbound_emails WHERE project_id = $1 AND status = $${i + first}${before}
         ORDER BY id DESC LIMIT $2)`,
  );
  const rows: { id: number }[] = await db.query(
    `SELECT id FROM (${branches.join(" UNION ALL ")}) q ORDER BY id DESC LIMIT $2`,
    [projectId, page.limit, ...(page.afterId === null ? [] : [page.afterId]), ...statuses],
  );
  return rows.map((r) => r.id);
};

/** Up to `limit` quarantined messages older than `afterId` (when given), newest first; no raw bytes. */
export const quarantinePage = async (
  db: EntityManager,
  scope: QuarantineScope,
  page: { limit: number; afterId: number | null },
): Promise<InboundEmailEntity[]> => {
  const statuses = scope.status ? [scope.status] : QUARANTINE_STATUSES;
  const qb = db.createQueryBuilder(InboundEmailEntity, "e").select(COLUMNS).orderBy("e.id", "DESC");
  if (scope.projectId !== "all") {
    const ids = await projectPageIds(db, scope.projectId, statuses, page);
    return ids.length ? qb.where("e.id IN (:...ids)", { ids }).getMany() : [];
  }
  // The instance's (admins): the planner walks the ledger newest first while quarantined mail is common,
  // or reads the quarantine by the status index and sorts it while it is rare.
  qb.where("e.status IN (:...statuses)", { statuses });
  if (page.afterId !== null) qb.andWhere("e.id < :afterId", { afterId: page.afterId });
  return qb.limit(page.limit).getMany();
};

/** How many messages the scope's quarantine holds (exact). */
export const quarantineCount = (db: EntityManager, scope: QuarantineScope): Promise<number> =>
  readKeptCount(db, "inbound", scope.status ? [scope.status] : QUARANTINE_STATUSES, scope.projectId);
