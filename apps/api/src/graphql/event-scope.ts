// One live event, many subscribers (issue 14.5). Every subscription still authorises the event for its
// own viewer through the same code as a query (access.ts → core's visibility policy), but the reads
// behind those checks are shared by every subscriber of the event:
// - rows that do not depend on who asks (the project, the issue, its assignees and labels, users…) are
//   read once per event, in one batch for all subscribers — and what rendering an issue needs is read
//   together with the issue, so rendering waits for nothing;
// - whether each subscriber's user is blocked, and its role on the project (core's `accessLevelsFor`),
//   are read in one query each for every subscriber; each subscriber then derives its own abilities
//   (core's `projectAbilities`, with its own viewer) and applies the policy itself;
// - the authorised subscribers then render and send in chunks (see `staggered`).
// The scope lives as long as the event object: data is read after the event was published, never reused
// for a later event (a removed member or a blocked user stops receiving at the next event, as before).
// A socket whose session is revoked is closed by websocket.ts, as before.
import { accessLevelsFor, attached, type ProjectAbilities, projectAbilities, type Viewer } from "@tidings/core";
import { type DataSource, NoteEntity } from "@tidings/db";
import DataLoader from "dataloader";
import type { ApiContext } from "../context.ts";
import { createLoaders, type Loaders, loadersOf } from "./loaders.ts";

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
  // The name is the same for everyone; who may read it is decided per subscriber by the field's resolver.
  "requesterNameByIssueId",
  // Keyed by the whole resolved filter, whose visibility part is the viewer's.
  "issueCounter",
  // Keyed by the whole filter but its state, the viewer and their access included.
  "issueListFilter",
] as const satisfies readonly (keyof Loaders)[];
type SharedLoaders = Pick<Loaders, (typeof VIEWER_INDEPENDENT)[number]>;

export type EventScope = {
  shared: SharedLoaders;
  /** Effective role by `projectId:userId`, one query per project for all subscribers waiting. */
  levels: DataLoader<string, number | null>;
  notes: DataLoader<number, NoteEntity | null>;
  /** Whether each subscriber's user is blocked (or gone): one lean query for all, not a thousand entities. */
  blocked: DataLoader<number, boolean>;
  /** Each subscriber's read mark by `userId:issueId` (issue 10.1), one query for all. */
  readAt: DataLoader<string, Date | undefined>;
  /** Reads once what rendering an issue will ask for (its labels, assignees, author), with the issue. */
  warmIssue: (issueId: number) => void;
  /** Reads once the note and its author, while its subscribers are being authorised. */
  warmNote: (noteId: number) => void;
  /** Resolves when this subscriber may go on to render and send the event (see `staggered`). */
  turn: () => Promise<void>;
};

/** How many subscribers of one event render and send at once (see `staggered`). */
const DELIVERY_CHUNK = 25;

/**
 * Releases waiting subscribers `size` at a time, one chunk per turn of the event loop. Released together,
 * a thousand subscribers would each be half-way through rendering at once (promises run breadth-first),
 * so their garbage outlives the young generation and costs a full collection; in chunks, each renders and
 * sends before the next chunk starts. Nothing waits on anything else: a chunk is never held back.
 */
const staggered = (size: number) => {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const release = () => {
    for (const resolve of waiting.splice(0, size)) resolve();
    scheduled = waiting.length > 0;
    if (scheduled) setImmediate(release);
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(release);
      }
    });
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
        const users = usersByProject.get(projectId);
        if (users) users.push(userId);
        else usersByProject.set(projectId, [userId]);
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
  const blocked = new DataLoader<number, boolean>(async (ids) => {
    const rows: { id: number; blocked: boolean }[] = await db.query(
      "SELECT id, blocked FROM users WHERE id = ANY($1::int[])",
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r.blocked]));
    return ids.map((id) => byId.get(id) ?? true);
  });
  const readAt = new DataLoader<string, Date | undefined>(async (keys) => {
    const pairs = keys.map((k) => k.split(":").map(Number));
    const rows: { user_id: number; issue_id: number; read_at: Date }[] = await db.query(
      `SELECT r.user_id, r.issue_id, r.read_at FROM issue_reads r
         JOIN unnest($1::int[], $2::int[]) AS k(user_id, issue_id) USING (user_id, issue_id)`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    const found = new Map(rows.map((r) => [`${r.user_id}:${r.issue_id}`, r.read_at]));
    return keys.map((k) => found.get(k));
  });
  /** Issue ids, and note ids negated, already asked for. */
  const warmed = new Set<number>();
  const warmIssue = (issueId: number) => {
    if (warmed.has(issueId)) return;
    warmed.add(issueId);
    // Errors surface (and are retried) where the data is really asked for: DataLoader forgets failures.
    void shared.issueById
      .load(issueId)
      .then((issue) =>
        issue
          ? Promise.all([
              shared.labelsByIssueId.load(issueId),
              shared.assigneesByIssueId.load(issueId),
              shared.userById.load(issue.authorId),
            ])
          : null,
      )
      .catch(() => undefined);
  };
  const warmNote = (noteId: number) => {
    if (warmed.has(-noteId)) return;
    warmed.add(-noteId);
    void notes
      .load(noteId)
      .then((note) => (note ? shared.userById.load(note.authorId) : null))
      .catch(() => undefined);
  };
  return { shared, levels, notes, blocked, readAt, warmIssue, warmNote, turn: staggered(DELIVERY_CHUNK) };
};

/** On the event's payload, not in a WeakMap keyed by it (core's attached.ts says why). */
const SCOPES = attached<object, EventScope>("eventScope");

/** The scope of one published event (the same payload object reaches every subscriber). */
export const eventScope = (event: object, dataSource: DataSource): EventScope =>
  SCOPES.get(event) ?? SCOPES.set(event, createEventScope(dataSource));

/**
 * The loaders one subscriber uses for one event: the viewer-independent ones of the event's scope, and
 * `abilities` — the same function of (viewer, project, role) as in createLoaders, only the role comes
 * from the shared batch. Typed as the full set: a loader added to createLoaders must be classified here
 * (shared, or per subscriber) before this compiles.
 */
export const eventLoaders = (scope: EventScope, viewer: Viewer): Loaders => ({
  ...scope.shared,
  readAtByIssueId: new DataLoader<number, Date | undefined>((issueIds) =>
    Promise.all(issueIds.map((id) => (viewer ? scope.readAt.load(`${viewer.id}:${id}`) : undefined))),
  ),
  abilities: new DataLoader<number, ProjectAbilities | null>((projectIds) =>
    Promise.all(
      projectIds.map(async (projectId) => {
        const project = await scope.shared.projectById.load(projectId);
        if (!project) return null;
        const level = viewer ? await scope.levels.load(`${projectId}:${viewer.id}`) : null;
        return projectAbilities(viewer, project, level);
      }),
    ),
  ),
});

/**
 * Makes `loaders` the ones `ctx` resolves with from now on. A subscription keeps its context for its
 * lifetime: every property of its loader set is replaced at each event (as resetLoaders would, without
 * building a set only to overwrite it).
 */
export const useLoaders = (ctx: ApiContext, loaders: Loaders): Loaders => Object.assign(loadersOf(ctx), loaders);
