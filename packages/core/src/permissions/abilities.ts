import { AccessLevel, type EntityManager, type IssueEntity, type ProjectEntity, preparedQuery } from "@tidings/db";
import { issueVisibility } from "./visibility.ts";

/** Who is asking: null for anonymous. */
export type Viewer = {
  id: number;
  username: string;
  admin: boolean;
  /** Signed in with a `read_api` token (issue 10.6): it may read what the user may, and change nothing. */
  readOnly?: boolean;
} | null;

/**
 * The viewer's effective role on a project: the highest of the direct project membership and the
 * memberships of the project's group and every ancestor group (A3). null when not a member.
 */
export const accessLevelFor = async (db: EntityManager, viewer: Viewer, projectId: number): Promise<number | null> =>
  viewer ? ((await accessLevelsFor(db, projectId, [viewer.id])).get(viewer.id) ?? null) : null;

/**
 * The effective role (as `accessLevelFor`, which delegates here: one rule) of many users on one project in
 * one query — a live event fanned out to a thousand subscribers checks them all at once. Users who are
 * not members are absent from the map.
 */
export const accessLevelsFor = async (
  db: EntityManager,
  projectId: number,
  userIds: readonly number[],
): Promise<Map<number, number>> => {
  if (userIds.length === 0) return new Map();
  // Prepared (issue 14.4): planning this recursive query cost 0.7 ms of its 0.8 on every request.
  const rows = await preparedQuery<{ user_id: number; level: number }>(
    db,
    `WITH RECURSIVE ancestors AS (
       SELECT g.id, g.parent_id FROM groups g JOIN projects p ON p.group_id = g.id WHERE p.id = $1
       UNION ALL
       SELECT g.id, g.parent_id FROM groups g JOIN ancestors a ON g.id = a.parent_id
     )
     SELECT m.user_id, max(m.access_level) AS level FROM (
       SELECT user_id, access_level FROM project_members WHERE project_id = $1 AND user_id = ANY($2::int[])
       UNION ALL
       SELECT user_id, access_level FROM group_members
       WHERE user_id = ANY($2::int[]) AND group_id IN (SELECT id FROM ancestors)
     ) m GROUP BY m.user_id`,
    [projectId, [...new Set(userIds)]],
  );
  return new Map(rows.map((r) => [r.user_id, r.level]));
};

/** What a viewer may do on one project; computed once per request and project. */
export type ProjectAbilities = {
  readProject: boolean;
  /** Confidential issues, internal notes, the Service Desk list and address (A3, B2). */
  readConfidential: boolean;
  readServiceDeskAddress: boolean;
  createNote: boolean;
  createInternalNote: boolean;
  /** Close/reopen, title, labels, assignees, confidentiality, move (GitLab: Reporter+). */
  updateIssue: boolean;
  adminServiceDesk: boolean;
  /** The mail-health cockpit of the project (issue 13.4); the instance's is for admins. */
  readMailHealth: boolean;
  /** Move an inbound email to another issue, or split it into a new one (issue 12.6; Reporter+). */
  moveInboundMessage: boolean;
  /** Edit or delete anyone's note (issue 11.6; GitLab's admin_note: Maintainer+). Authors edit their own. */
  adminNote: boolean;
  /** Add and remove project members and change their roles (issue 10.6; Maintainer+, Owner for Owners). */
  adminMembers: boolean;
  /** Use the project's saved replies (issue 11.4; Reporter+) and manage them (Maintainer+). */
  readSavedReplies: boolean;
  adminSavedReplies: boolean;
  /** Earlier versions of edited and deleted notes (issue 11.6; Reporter+). */
  readNoteHistory: boolean;
  /** See who else is viewing or replying to an issue, and be seen (issue 11.5; Reporter+). */
  readPresence: boolean;
  /**
   * Saved views of the issue list (issue 10.3): one's own in the project (signed in, reads the project);
   * the project's shared views are seen by every member and managed by Maintainer+ (as saved replies:
   * a shared view changes what the whole team starts from, so it is the maintainers' call).
   */
  savePersonalViews: boolean;
  readSharedViews: boolean;
  adminSharedViews: boolean;
  level: number | null;
};

export const projectAbilities = (
  viewer: Viewer,
  project: Pick<ProjectEntity, "visibility">,
  level: number | null,
): ProjectAbilities => {
  const admin = viewer?.admin === true;
  const readProject =
    admin ||
    level !== null ||
    project.visibility === "public" ||
    (project.visibility === "internal" && viewer !== null);
  const at = (min: number) => admin || (level !== null && level >= min);
  return {
    level,
    readProject,
    readConfidential: readProject && at(AccessLevel.Reporter),
    readServiceDeskAddress: readProject && at(AccessLevel.Reporter),
    createNote: readProject && viewer !== null,
    createInternalNote: readProject && at(AccessLevel.Reporter),
    updateIssue: readProject && at(AccessLevel.Reporter),
    adminServiceDesk: readProject && at(AccessLevel.Maintainer),
    readMailHealth: readProject && at(AccessLevel.Maintainer),
    moveInboundMessage: readProject && at(AccessLevel.Reporter),
    adminNote: readProject && at(AccessLevel.Maintainer),
    readNoteHistory: readProject && at(AccessLevel.Reporter),
    adminMembers: readProject && at(AccessLevel.Maintainer),
    readSavedReplies: readProject && at(AccessLevel.Reporter),
    adminSavedReplies: readProject && at(AccessLevel.Maintainer),
    readPresence: readProject && at(AccessLevel.Reporter),
    savePersonalViews: readProject && viewer !== null,
    readSharedViews: readProject && at(AccessLevel.Guest),
    adminSharedViews: readProject && at(AccessLevel.Maintainer),
  };
};

export const loadProjectAbilities = async (db: EntityManager, viewer: Viewer, project: ProjectEntity) =>
  projectAbilities(viewer, project, await accessLevelFor(db, viewer, project.id));

/** A confidential issue is visible to Reporter+ and to its assignees (as GitLab): visibility.ts decides. */
export const canReadIssue = (
  abilities: ProjectAbilities,
  issue: Pick<IssueEntity, "confidential">,
  viewerIsAssignee = false,
) => issueVisibility.allows(abilities, issue, viewerIsAssignee);

/**
 * May the viewer edit or delete this note (issue 11.6)? Its author while they may still comment, or
 * Maintainer+ for any note; never a system note (it records an event) nor a deleted one.
 */
export const canEditNote = (
  abilities: ProjectAbilities,
  viewer: Viewer,
  note: { authorId: number; system: boolean; externalAuthor: string | null; deletedAt: Date | null },
): boolean => {
  if (!viewer || note.system || note.deletedAt) return false;
  if (abilities.adminNote) return true;
  return abilities.createNote && note.externalAuthor === null && note.authorId === viewer.id;
};
