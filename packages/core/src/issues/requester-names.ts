// Issue 10.3: the issue list shows each requester's display name ("Dave Miller" of `Dave Miller
// <dave@example.com>`), as the thread does (issue 10.4). It is read from the header block of the email that
// opened each issue — one query for a whole page (idx_inbound_emails_issue_opening), then the same
// rule as a participant's name (displayNameIn: Reply-To, From, Sender, matched to the requester's address).
// The caller shows it to whoever may see customers' addresses (customerAddressVisibility).
import type { EntityManager } from "@tidings/db";
import { displayNameIn } from "../notifications/participant-name.ts";

/** A list row needs the From/Reply-To lines only; a header block longer than this loses the name, not the row. */
const LIST_HEAD_BYTES = 16 * 1024;

/** One statement for a page: the first email of each issue that is no note (the one that opened it). */
export const REQUESTER_NAMES_SQL = `SELECT DISTINCT ON (e.issue_id) e.issue_id, i.external_author AS requester,
        substring(e.raw from 1 for ${LIST_HEAD_BYTES}) AS head
   FROM inbound_emails e JOIN issues i ON i.id = e.issue_id
  WHERE e.issue_id = ANY($1::int[]) AND e.note_id IS NULL AND e.status IN ('issue', 'note')
  ORDER BY e.issue_id, e.id`;

/**
 * The requester's display name per issue id (absent: no opening email, or no name in it). Kept with the
 * issue when its email opened it; only older issues (null: unknown) are read from their stored email.
 */
export const requesterNames = async (db: EntityManager, issueIds: readonly number[]): Promise<Map<number, string>> => {
  if (issueIds.length === 0) return new Map();
  const kept: { id: number; name: string | null }[] = await db.query(
    "SELECT id, external_author_name AS name FROM issues WHERE id = ANY($1::int[])",
    [[...issueIds]],
  );
  const names = keptRequesterNames(kept.map((r) => ({ id: r.id, externalAuthorName: r.name })));
  const unknown = kept.filter((r) => r.name === null).map((r) => r.id);
  for (const [id, name] of await namesFromStoredEmails(db, unknown)) names.set(id, name);
  return names;
};

/**
 * The names kept with the issues, per id (issues whose name was not kept are absent): what requesterNames
 * gives for them. A list page's rows carry the kept name (ISSUE_LIST_COLUMNS), so the api reads names only
 * for the rest (issue 14.4: one statement less per page).
 */
export const keptRequesterNames = (
  rows: readonly { id: number; externalAuthorName: string | null }[],
): Map<number, string> =>
  new Map(rows.flatMap((r) => (r.externalAuthorName ? [[r.id, r.externalAuthorName] as const] : [])));

/** The opening emails' names (displayNameIn's rule), for issues whose name was not kept. */
const namesFromStoredEmails = async (db: EntityManager, issueIds: number[]): Promise<Map<number, string>> => {
  if (issueIds.length === 0) return new Map();
  const rows: { issue_id: number; requester: string | null; head: Buffer }[] = await db.query(REQUESTER_NAMES_SQL, [
    issueIds,
  ]);
  const names = await Promise.all(
    rows.map(
      async (r) =>
        [r.issue_id, r.requester ? await displayNameIn(r.head, r.requester).catch(() => null) : null] as const,
    ),
  );
  return new Map(names.filter((n): n is readonly [number, string] => n[1] !== null));
};
