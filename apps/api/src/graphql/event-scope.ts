// One live event, many subscribers (issue 14.5). Every subscription still authorises the event for its
// own viewer through the same code as a query (access.ts → core's visibility policy), but the reads
// behind those checks are shared by every subscriber of the event:
// - rows that do not depend on who asks (the project, the issue, its assignees and labels, users…) are
//   read once per event, in one batch for all subscribers;
// - the viewer's role on the project (core's `accessLevelsFor`) is read in one query for every
//   subscriber's user; each subscriber then derives its own abilities (core's `projectAbilities`, with
//   its own viewer) and applies the policy itself.
// The scope lives as long as the event object: data is read after the event was published, never reused
// for a later event (a removed member or a blocked user stops receiving at the next event, as before).
import { accessLevelsFor, type ProjectAbilities, projectAbilities } from "@tidings/core";
import { type DataSource, NoteEntity } from "@tidings/db";
import DataLoader from "dataloader";
import type { ApiContext } from "../context.ts";
import { createLoaders, type Loaders, resetLoaders } from "./loaders.ts";

/**
 * Loaders whose answers do not depend on the viewer (createLoaders reads `ctx.viewer` only for
 * `abilities`). They are built for an anonymous viewer: should one ever start to depend on the viewer,
 * the shared answer is the least privileged one, never another user's.
 */
const VIEWER_INDEPENDENT = [
  "userById",
  "projectById",
  "projectByPath",
  "issueById",
  "settingsByProjectId",
  "labelsByIssueId",
  "assigneesByIssueId",
  "participantsByIssueId",
  "emailsByIssueId",
  "labelsByProjectId",
] as const satisfies readonly (keyof Loaders)[];
type SharedLoaders = Pick<Loaders, (typeof VIEWER_INDEPENDENT)[number]>;

export type EventScope = {
  shared: SharedLoaders;
  /** Effective role by `projectId:userId`, one query per project for all subscribers waiting. */
  levels: DataLoader<string, number | null>;
  notes: DataLoader<number, NoteEntity | null>;
};

/**
 * Collects every subscriber that asks in this turn of the event loop (they all received the event in the
 * same dispatch) before querying: one batch for the lot.
 */
const nextTurn = (run: () => void) => {
  setImmediate(run);
};

const createEventScope = (dataSource: DataSource): EventScope => {
  const all = createLoaders({ dataSource, viewer: null });
  const shared = Object.fromEntries(VIEWER_INDEPENDENT.map((k) => [k, all[k]])) as SharedLoaders;
  const db = dataSource.manager;
  const levels = new DataLoader<string, number | null>(
    async (keys) => {
      const usersByProject = new Map<number, number[]>();
      for (const key of keys) {
        const [projectId, userId] = key.split(":").map(Number);
        usersByProject.set(projectId, [...(usersByProject.get(projectId) ?? []), userId]);
      }
      const found = new Map<string, number>();
      await Promise.all(
        [...usersByProject].map(async ([projectId, userIds]) => {
          for (const [userId, level] of await accessLevelsFor(db, projectId, userIds))
            found.set(`${projectId}:${userId}`, level);
        }),
      );
      return keys.map((k) => found.get(k) ?? null);
    },
    { batchScheduleFn: nextTurn },
  );
  const notes = new DataLoader<number, NoteEntity | null>(async (ids) => {
    const rows = await db
      .createQueryBuilder(NoteEntity, "n")
      .where("n.id IN (:...ids)", { ids: [...ids] })
      .getMany();
    const byId = new Map(rows.map((n) => [n.id, n]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  return { shared, levels, notes };
};

const SCOPES = new WeakMap<object, EventScope>();

/** The scope of one published event (the same payload object reaches every subscriber). */
export const eventScope = (event: object, dataSource: DataSource): EventScope => {
  let scope = SCOPES.get(event);
  if (!scope) {
    scope = createEventScope(dataSource);
    SCOPES.set(event, scope);
  }
  return scope;
};

/**
 * Installs on `ctx` the loaders one subscriber uses for one event: fresh ones of its own, with the
 * viewer-independent ones and the role lookups taken from the event's scope. `abilities` is the same
 * function of (viewer, project, role) as in createLoaders — only the role comes from the shared batch.
 */
export const useEventLoaders = (ctx: ApiContext, scope: EventScope): Loaders => {
  const viewer = ctx.viewer;
  const abilities = new DataLoader<number, ProjectAbilities | null>((projectIds) =>
    Promise.all(
      projectIds.map(async (projectId) => {
        const project = await scope.shared.projectById.load(projectId);
        if (!project) return null;
        const level = viewer ? await scope.levels.load(`${projectId}:${viewer.id}`) : null;
        return projectAbilities(viewer, project, level);
      }),
    ),
  );
  return Object.assign(resetLoaders(ctx), scope.shared, { abilities });
};

/** Makes `loaders` (already used to authorise an event) the ones `ctx`'s field resolvers use. */
export const adoptLoaders = (ctx: ApiContext, loaders: Loaders): Loaders => Object.assign(resetLoaders(ctx), loaders);
