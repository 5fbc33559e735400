// Who sees what inside a project — the one policy. Each rule is written once, as a pair: a predicate over
// rows already loaded (GraphQL fields, subscriptions, attachment downloads) and the SQL condition that
// selects the same rows (lists, counts, search). `visibility.int.test.ts` proves, on a real PostgreSQL,
// that the two halves agree for every role, issue and note kind. Nothing else decides these questions.
import type { ProjectAbilities } from "./abilities.ts";

/** Numbered-parameter builder of the query the condition goes into (`$1`, `$2`…). */
export type SqlParam = (value: unknown) => string;

type Abilities = Pick<ProjectAbilities, "readProject" | "readConfidential">;

/** Issues: public ones to whoever reads the project; confidential ones to Reporter+ and their assignees. */
export const issueVisibility = {
  allows: (abilities: Abilities, issue: { confidential: boolean }, viewerIsAssignee: boolean): boolean =>
    abilities.readProject && (!issue.confidential || abilities.readConfidential || viewerIsAssignee),
  /** A condition on the issues row `alias`; `viewerId` null for anonymous. */
  sql: (abilities: Abilities, viewerId: number | null, p: SqlParam, alias = "i"): string => {
    if (!abilities.readProject) return "FALSE";
    if (abilities.readConfidential) return "TRUE";
    if (viewerId === null) return `NOT ${alias}.confidential`;
    return `(NOT ${alias}.confidential OR EXISTS (SELECT 1 FROM issue_assignees va WHERE va.issue_id = ${alias}.id AND va.user_id = ${p(viewerId)}))`;
  },
};

/** Notes of a visible issue: internal notes to Reporter+ only (GitLab's read_internal_note). */
export const noteVisibility = {
  allows: (abilities: Abilities, note: { internal: boolean }): boolean =>
    abilities.readProject && (!note.internal || abilities.readConfidential),
  sql: (abilities: Abilities, alias = "n"): string => {
    if (!abilities.readProject) return "FALSE";
    return abilities.readConfidential ? "TRUE" : `NOT ${alias}.internal`;
  },
};

/**
 * Customers' addresses (requester, email participants, addresses in system notes, the email log): in
 * full to Reporter+; below, obfuscated — and never searchable, or a search would confirm a hidden one.
 */
export const customerAddressVisibility = {
  allows: (abilities: Abilities): boolean => abilities.readProject && abilities.readConfidential,
};
