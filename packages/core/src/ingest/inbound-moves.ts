// Issue 12.6: where a responder moved messages. A reply whose In-Reply-To/References name a moved message
// follows it to the issue it was moved to (the latest move wins), within the same project only.
import type { EntityManager } from "@tidings/db";

export const movedDestination = async (
  db: EntityManager,
  projectId: number,
  threadIds: string[],
): Promise<{ issueId: number; messageId: string } | null> => {
  if (threadIds.length === 0) return null;
  const [row]: { to_issue_id: number; message_id: string }[] = await db.query(
    `SELECT to_issue_id, message_id FROM inbound_message_moves
      WHERE project_id = $1 AND message_id = ANY($2::text[]) ORDER BY id DESC LIMIT 1`,
    [projectId, threadIds],
  );
  return row ? { issueId: row.to_issue_id, messageId: row.message_id } : null;
};
