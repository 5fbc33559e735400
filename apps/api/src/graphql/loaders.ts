import {
  attached,
  issueCounter,
  issueListFilterResolver,
  loadProjectAbilities,
  type ProjectAbilities,
  readMarks,
  requesterNames,
} from "@tidings/core";
import {
  type DataSource,
  EmailParticipantEntity,
  IssueEntity,
  LabelEntity,
  ProjectEntity,
  preparedQuery,
  ServiceDeskSettingEntity,
  selectRowsIn,
  UserEntity,
} from "@tidings/db";
import DataLoader from "dataloader";
import type { ApiContext } from "../context.ts";

const byKey = <K, V>(keys: readonly K[], rows: V[], keyOf: (v: V) => K): (V | null)[] => {
  const map = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
};

const groupByKey = <K, V>(keys: readonly K[], rows: V[], keyOf: (v: V) => K): V[][] => {
  const map = new Map<K, V[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
};

type IssueLabelRow = { issue_id: number; id: number; title: string; color: string };
type IssueAssigneeRow = { issue_id: number; id: number; username: string; name: string };
type EmailRow = {
  issue_id: number;
  id: number;
  to_address: string;
  subject: string;
  kind: string;
  status: string;
  last_error: string | null;
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
};

/** Rows whose column is one of the values (one query, its statement built once: selectRowsIn). */
const findIn = <E extends object>(
  db: DataSource["manager"],
  entity: new () => E,
  property: keyof E & string,
  values: readonly unknown[],
): Promise<E[]> => selectRowsIn(db, entity, property, values);

/**
 * Per-request (or per-subscription-event) batching and caching: one SQL query per kind and tick. Lookups by
 * key are prepared statements (preparedQuery): their plan never depends on the keys.
 */
export const createLoaders = (ctx: Pick<ApiContext, "dataSource" | "viewer">) => {
  const db = ctx.dataSource.manager;
  const projectById = new DataLoader<number, ProjectEntity | null>(async (ids) =>
    byKey(ids, await findIn(db, ProjectEntity, "id", ids), (p) => p.id),
  );
  return {
    /** The request's capped issue counts (the list's state tabs ask for four at once). */
    issueCounter: issueCounter(db),
    /** The request's list filters: the state tabs' names and search resolved once for the four. */
    issueListFilter: issueListFilterResolver(db),
    userById: new DataLoader<number, UserEntity | null>(async (ids) =>
      byKey(ids, await findIn(db, UserEntity, "id", ids), (u) => u.id),
    ),
    projectById,
    /** Also primes `projectById`: a request that found its project by path does not read it again. */
    projectByPath: new DataLoader<string, ProjectEntity | null>(async (paths) => {
      const projects = await findIn(db, ProjectEntity, "fullPath", paths);
      for (const p of projects) projectById.prime(p.id, p);
      return byKey(paths, projects, (p) => p.fullPath);
    }),
    issueById: new DataLoader<number, IssueEntity | null>(async (ids) =>
      byKey(ids, await findIn(db, IssueEntity, "id", ids), (i) => i.id),
    ),
    /** The viewer's abilities per project id (A3); one membership query per project. */
    abilities: new DataLoader<number, ProjectAbilities | null>(async (ids) => {
      const projects = await projectById.loadMany(ids);
      return Promise.all(
        projects.map((p) => (p && !(p instanceof Error) ? loadProjectAbilities(db, ctx.viewer, p) : null)),
      );
    }),
    settingsByProjectId: new DataLoader<number, ServiceDeskSettingEntity | null>(async (ids) =>
      byKey(ids, await findIn(db, ServiceDeskSettingEntity, "projectId", ids), (s) => s.projectId),
    ),
    labelsByIssueId: new DataLoader<number, IssueLabelRow[]>(async (ids) =>
      groupByKey(
        ids,
        await preparedQuery<IssueLabelRow>(
          db,
          `SELECT il.issue_id, l.id, l.title, l.color FROM issue_labels il JOIN labels l ON l.id = il.label_id
           WHERE il.issue_id = ANY($1::int[]) ORDER BY lower(l.title)`,
          [ids],
        ),
        (r) => r.issue_id,
      ),
    ),
    assigneesByIssueId: new DataLoader<number, IssueAssigneeRow[]>(async (ids) =>
      groupByKey(
        ids,
        await preparedQuery<IssueAssigneeRow>(
          db,
          `SELECT ia.issue_id, u.id, u.username, u.name FROM issue_assignees ia JOIN users u ON u.id = ia.user_id
           WHERE ia.issue_id = ANY($1::int[]) ORDER BY u.username`,
          [ids],
        ),
        (r) => r.issue_id,
      ),
    ),
    participantsByIssueId: new DataLoader<number, EmailParticipantEntity[]>(async (ids) =>
      groupByKey(
        ids,
        (await findIn(db, EmailParticipantEntity, "issueId", ids)).sort((a, b) => a.id - b.id),
        (p) => p.issueId,
      ),
    ),
    emailsByIssueId: new DataLoader<number, EmailRow[]>(async (ids) =>
      groupByKey(
        ids,
        (await db.query(
          `SELECT issue_id, id, to_address, subject, kind, status, last_error, attempts, created_at, sent_at
           FROM outbound_emails WHERE issue_id = ANY($1::int[]) ORDER BY id`,
          [ids],
        )) as EmailRow[],
        (r) => r.issue_id,
      ),
    ),
    /** Issue 10.1: the viewer's read mark per issue (none for anonymous). */
    readAtByIssueId: new DataLoader<number, Date | undefined>(async (ids) => {
      if (!ctx.viewer) return ids.map(() => undefined);
      const marks = await readMarks(db, ctx.viewer.id, ids);
      return ids.map((id) => marks.get(id));
    }),
    /** Issue 10.3: the requester's display name from the opening email, for a whole list page in one query. */
    requesterNameByIssueId: new DataLoader<number, string | null>(async (ids) => {
      const names = await requesterNames(db, ids);
      return ids.map((id) => names.get(id) ?? null);
    }),
    labelsByProjectId: new DataLoader<number, LabelEntity[]>(async (ids) =>
      groupByKey(
        ids,
        await db
          .createQueryBuilder(LabelEntity, "l")
          .where("l.projectId IN (:...ids)", { ids })
          .orderBy("lower(l.title)")
          .getMany(),
        (l) => l.projectId,
      ),
    ),
  };
};

export type Loaders = ReturnType<typeof createLoaders>;

/** On the request's context, not in a WeakMap keyed by it (core's attached.ts says why). */
const LOADERS = attached<ApiContext, Loaders>("loaders");

/** The loaders of this request; created on first use (per HTTP request, per WebSocket operation). */
export const loadersOf = (ctx: ApiContext): Loaders => LOADERS.get(ctx) ?? LOADERS.set(ctx, createLoaders(ctx));

/**
 * A subscription keeps one context for its lifetime: each event starts with fresh loaders, so data and
 * abilities are re-read (a removed member stops receiving at the next event).
 */
export const resetLoaders = (ctx: ApiContext): Loaders => LOADERS.set(ctx, createLoaders(ctx));

/**
 * The request is answered: its context lets go of its loaders, and so of all they read (issue 14.4). Apollo
 * reaches our compiled executor through its gateway interface, which builds, per request, an object whose
 * getter and setter close over Apollo's whole request context; V8 keeps such accessor closures (and what
 * they reach: the context, its loaders, the rows) until a full collection, so every scavenge promoted them.
 * A later `loadersOf` starts afresh.
 */
export const releaseLoaders = (ctx: ApiContext): void => LOADERS.clear(ctx);
