// Issue 10.3: saved views of a project's issue list — a name and the list's filters. Personal views belong
// to a user in a project; shared ones to the project: every member sees them, Maintainer+ manage them
// (the abilities savePersonalViews / readSharedViews / adminSharedViews: the one policy). Who may read or
// manage one view is `savedViewAccess`, used by the list below and by every change.
import type { EntityManager } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { ISSUE_SORTS, type IssueSort } from "../issues/list-issues.ts";
import { SEARCH_TOO_LONG, searchTooLong } from "../issues/list-search.ts";
import type { ProjectAbilities } from "../permissions/abilities.ts";
import { USERNAME } from "../users/create-user.ts";

export const MAX_SAVED_VIEW_NAME = 80;
export const MAX_VIEW_LABELS = 20;
const MAX_TEXT = 255;

/** The list's tabs and states, as its URL says them (`?tab=all&state=needs_reply`). */
export const ISSUE_LIST_TABS = ["service_desk", "all"] as const;
export type IssueListTab = (typeof ISSUE_LIST_TABS)[number];
export const ISSUE_LIST_STATES = ["needs_reply", "opened", "closed", "all"] as const;
export type IssueListState = (typeof ISSUE_LIST_STATES)[number];

/** What a view stores: the filters the issue list round-trips through its URL. */
export type SavedViewFilters = {
  tab: IssueListTab;
  state: IssueListState;
  search: string;
  labels: string[];
  assignee: string;
  author: string;
  sort: IssueSort;
};

export const DEFAULT_VIEW_FILTERS: SavedViewFilters = {
  tab: "service_desk",
  state: "opened",
  search: "",
  labels: [],
  assignee: "",
  author: "",
  sort: "CREATED_DESC",
};

export type SavedView = {
  id: number;
  projectId: number;
  /** null: shared in the project. */
  userId: number | null;
  name: string;
  filters: SavedViewFilters;
  updatedAt: Date;
};

/** A validation's outcome: the cleaned value, or every sentence a person can act on. */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const checkName = (raw: string): Checked<string> => {
  const name = raw.trim();
  if (!name) return { ok: false, errors: ["Name can't be blank."] };
  if (name.length > MAX_SAVED_VIEW_NAME)
    return { ok: false, errors: [`Name is too long (maximum is ${MAX_SAVED_VIEW_NAME} characters).`] };
  return { ok: true, value: name };
};

const oneOf = <T extends string>(values: readonly T[], value: string): value is T =>
  (values as readonly string[]).includes(value);

/** A username as the list takes it: `ana` or `@ana`, stored without the `@`. */
const checkUsername = (field: string, raw: string, errors: string[]): string => {
  const value = raw.trim().replace(/^@/, "");
  if (value && !USERNAME.test(value)) errors.push(`${field} must be a username, e.g. "ana" (found "${raw.trim()}").`);
  return value;
};

/** The filters of a view, defaults filled in; every problem named. */
/** Text as stored or sent, whatever its JSON type was; anything but a string reads as empty. */
const text = (v: unknown): string => (typeof v === "string" ? v : "");

export const checkViewFilters = (input: Partial<SavedViewFilters>): Checked<SavedViewFilters> => {
  const given = { ...DEFAULT_VIEW_FILTERS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v != null)) };
  const f = {
    ...given,
    search: text(given.search),
    labels: Array.isArray(given.labels) ? given.labels.map(text) : [],
    assignee: text(given.assignee),
    author: text(given.author),
  };
  const errors: string[] = [];
  if (!oneOf(ISSUE_LIST_TABS, f.tab)) errors.push(`Tab must be one of ${ISSUE_LIST_TABS.join(", ")}.`);
  if (!oneOf(ISSUE_LIST_STATES, f.state)) errors.push(`State must be one of ${ISSUE_LIST_STATES.join(", ")}.`);
  if (!oneOf(ISSUE_SORTS, f.sort)) errors.push(`Sort must be one of ${ISSUE_SORTS.join(", ")}.`);
  const search = f.search.trim();
  if (searchTooLong(search)) errors.push(SEARCH_TOO_LONG);
  const labels = [...new Set(f.labels.map((l) => l.trim()).filter(Boolean))];
  if (labels.length > MAX_VIEW_LABELS) errors.push(`A view filters by at most ${MAX_VIEW_LABELS} labels.`);
  if (labels.some((l) => l.length > MAX_TEXT)) errors.push(`A label is too long (maximum is ${MAX_TEXT} characters).`);
  const assignee = checkUsername("Assignee", f.assignee, errors);
  const author = checkUsername("Author", f.author, errors);
  if (errors.length) return { ok: false, errors };
  // The author filter exists on the All tab only (the Service Desk tab is Support Bot's issues).
  return {
    ok: true,
    value: {
      tab: f.tab,
      state: f.state,
      search,
      labels,
      assignee,
      author: f.tab === "all" ? author : "",
      sort: f.sort,
    },
  };
};

/** May this viewer see the view, and change or delete it? Its owner; for a shared view, the policy. */
export const savedViewAccess = (
  abilities: Pick<ProjectAbilities, "readSharedViews" | "adminSharedViews" | "savePersonalViews">,
  viewerId: number | null,
  view: Pick<SavedView, "userId">,
): { read: boolean; manage: boolean } => {
  if (view.userId !== null) {
    const own = viewerId !== null && view.userId === viewerId && abilities.savePersonalViews;
    return { read: own, manage: own };
  }
  return { read: abilities.readSharedViews, manage: abilities.readSharedViews && abilities.adminSharedViews };
};

type Row = { id: number; project_id: number; user_id: number | null; name: string; filters: unknown; updated_at: Date };
const COLUMNS = "id, project_id, user_id, name, filters, updated_at";

/** Stored filters are read through the same check: a view saved before a sort was retired still opens. */
const fromRow = (r: Row): SavedView => {
  const checked = checkViewFilters((r.filters ?? {}) as Partial<SavedViewFilters>);
  return {
    id: r.id,
    projectId: r.project_id,
    userId: r.user_id,
    name: r.name,
    filters: checked.ok ? checked.value : DEFAULT_VIEW_FILTERS,
    updatedAt: r.updated_at,
  };
};

export type ViewActor = {
  userId: number | null;
  abilities: Pick<ProjectAbilities, "readSharedViews" | "adminSharedViews" | "savePersonalViews">;
};

/** The viewer's own views in the project, then the project's shared ones (for members), each by name. */
export const listSavedViews = async (
  db: EntityManager,
  input: { projectId: number; actor: ViewActor },
): Promise<SavedView[]> => {
  const rows: Row[] = await db.query(
    `SELECT ${COLUMNS} FROM saved_views WHERE project_id = $1 AND (user_id IS NULL OR user_id = $2)
      ORDER BY user_id IS NULL, lower(name)`,
    [input.projectId, input.actor.userId],
  );
  return rows.map(fromRow).filter((v) => savedViewAccess(input.actor.abilities, input.actor.userId, v).read);
};

export const findSavedView = async (db: EntityManager, id: number): Promise<SavedView | null> => {
  const [row] = await db.query(`SELECT ${COLUMNS} FROM saved_views WHERE id = $1`, [id]);
  return row ? fromRow(row) : null;
};

const TAKEN = "Name has already been taken.";
const NOT_ALLOWED = "The saved view does not exist or you may not change it.";
const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === "23505";

const refuse = (errors: string[]): never => {
  throw new DomainError("INVALID_INPUT", errors.join(" "), { cause: errors });
};

/** Name and filters checked together, so the person sees every problem at once. */
const checkAll = (name: string, filters: Partial<SavedViewFilters>) => {
  const n = checkName(name);
  const f = checkViewFilters(filters);
  const errors = [...(n.ok ? [] : n.errors), ...(f.ok ? [] : f.errors)];
  if (!n.ok || !f.ok) return refuse(errors);
  return { name: n.value, filters: f.value };
};

/** A duplicate name is said as a sentence (the caller's transaction is then rolled back as for any refusal). */
const withNameCheck = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) refuse([TAKEN]);
    throw err;
  }
};

export const createSavedView = async (
  db: EntityManager,
  input: { projectId: number; actor: ViewActor; shared: boolean; name: string; filters: Partial<SavedViewFilters> },
): Promise<SavedView> => {
  const { actor } = input;
  const allowed = input.shared ? actor.abilities.adminSharedViews : actor.abilities.savePersonalViews;
  if (!allowed || actor.userId === null) throw new DomainError("FORBIDDEN", NOT_ALLOWED);
  const valid = checkAll(input.name, input.filters);
  return withNameCheck(async () => {
    const [row] = await db.query(
      `INSERT INTO saved_views (project_id, user_id, name, filters) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [input.projectId, input.shared ? null : actor.userId, valid.name, JSON.stringify(valid.filters)],
    );
    return fromRow(row);
  });
};

/** Renames a view and/or replaces its filters; whoever may manage it (savedViewAccess). */
export const updateSavedView = async (
  db: EntityManager,
  input: { id: number; actor: ViewActor; name?: string | null; filters?: Partial<SavedViewFilters> | null },
): Promise<SavedView> => {
  const existing = await findSavedView(db, input.id);
  if (!existing || !savedViewAccess(input.actor.abilities, input.actor.userId, existing).manage)
    throw new DomainError("NOT_FOUND", NOT_ALLOWED);
  const valid = checkAll(input.name ?? existing.name, input.filters ?? existing.filters);
  return withNameCheck(async () => {
    const [rows] = await db.query(
      `UPDATE saved_views SET name = $2, filters = $3, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [existing.id, valid.name, JSON.stringify(valid.filters)],
    );
    return fromRow(rows[0]);
  });
};

export const deleteSavedView = async (
  db: EntityManager,
  input: { id: number; actor: ViewActor },
): Promise<SavedView> => {
  const existing = await findSavedView(db, input.id);
  if (!existing || !savedViewAccess(input.actor.abilities, input.actor.userId, existing).manage)
    throw new DomainError("NOT_FOUND", NOT_ALLOWED);
  await db.query(`DELETE FROM saved_views WHERE id = $1`, [existing.id]);
  return existing;
};
