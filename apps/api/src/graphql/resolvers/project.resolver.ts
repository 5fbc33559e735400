import {
  countIssues,
  keptRequesterNames,
  listIssues,
  refuseLongSearch,
  type SearchSnippet,
  searchSnippets,
  serviceDeskAddress,
} from "@tidings/core";
import { AccessLevel, ProjectEntity } from "@tidings/db";
import { GraphQLError, type GraphQLResolveInfo, Kind } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { readableIssue, readableProject } from "../access.ts";
import { toGid } from "../ids.ts";
import { prefetchIssueFields } from "../issue-fields.ts";
import { asksFor } from "../selection.ts";
import { loadersOf } from "../loaders.ts";
import { IssueSortEnum, IssueStateEnum } from "../types/enums.ts";
import { IssueConnectionType, IssueType, presentIssue } from "../types/issue.type.ts";
import { LabelConnectionType } from "../types/label.type.ts";
import {
  ProjectConnectionType,
  ProjectMemberConnectionType,
  ProjectPermissionsType,
  ProjectType,
  presentProject,
} from "../types/project.type.ts";
import { presentServiceDeskSettings, ServiceDeskSettingsType } from "../types/service-desk.type.ts";

export { presentProject };

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_FILTER_VALUES = 20;

/** A timeline is read whole more often than not: notes default to the largest page. */
export const DEFAULT_NOTES_PAGE_SIZE = MAX_PAGE_SIZE;

export const pageSize = (first: number | null | undefined, fallback = DEFAULT_PAGE_SIZE) =>
  Math.max(0, Math.min(first ?? fallback, MAX_PAGE_SIZE));

const LEVEL_NAMES: Record<number, string> = {
  [AccessLevel.Guest]: "GUEST",
  [AccessLevel.Reporter]: "REPORTER",
  [AccessLevel.Developer]: "DEVELOPER",
  [AccessLevel.Maintainer]: "MAINTAINER",
  [AccessLevel.Owner]: "OWNER",
};

/** A function that runs `fn` on the first call and hands every caller the same promise. */
const once = <T>(fn: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
};

/** Every field asked of the connection is a count (fields only: a fragment may ask for anything). */
const onlyCounts = (info: GraphQLResolveInfo) =>
  info.fieldNodes.every((n) =>
    n.selectionSet?.selections.every(
      (s) => s.kind === Kind.FIELD && ["count", "countCapped", "countIsExact", "__typename"].includes(s.name.value),
    ),
  );

@Resolver(() => ProjectType)
export class ProjectResolver {
  @Query(() => ProjectType, { nullable: true, description: "null when the viewer may not see the project." })
  async project(@Arg("fullPath", () => ID) fullPath: string, @Ctx() ctx: ApiContext): Promise<ProjectType | null> {
    const found = await readableProject(ctx, { fullPath });
    return found ? presentProject(found.project) : null;
  }

  @Query(() => ProjectConnectionType, { description: "The projects the viewer can see (for a project switcher)." })
  async projects(
    @Arg("search", () => String, { nullable: true }) search: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<ProjectConnectionType> {
    refuseLongSearch(search);
    const v = ctx.viewer;
    const params: unknown[] = [v?.id ?? 0, v?.admin === true, v !== null, search ? `%${search.toLowerCase()}%` : null];
    const rows: { id: number }[] = await ctx.dataSource.query(
      `WITH RECURSIVE viewer_groups AS (
         SELECT group_id FROM group_members WHERE user_id = $1
         UNION SELECT g.id FROM groups g JOIN viewer_groups vg ON g.parent_id = vg.group_id
       )
       SELECT p.id FROM projects p
       WHERE ($2 OR p.visibility = 'public' OR (p.visibility = 'internal' AND $3)
              OR p.id IN (SELECT project_id FROM project_members WHERE user_id = $1)
              OR p.group_id IN (SELECT group_id FROM viewer_groups))
         AND ($4::text IS NULL OR lower(p.full_path) LIKE $4 OR lower(p.name) LIKE $4)
       ORDER BY p.full_path LIMIT 100`,
      params,
    );
    const projects = await loadersOf(ctx).projectById.loadMany(rows.map((r) => r.id));
    return {
      nodes: projects.filter((p): p is ProjectEntity => p instanceof ProjectEntity).map(presentProject),
    };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The address customers write to; null below Reporter and when Service Desk is off (B2).",
  })
  async serviceDeskAddress(@Root() p: ProjectType, @Ctx() ctx: ApiContext): Promise<string | null> {
    const abilities = await loadersOf(ctx).abilities.load(p.dbId);
    if (!abilities?.readServiceDeskAddress) return null;
    const settings = await loadersOf(ctx).settingsByProjectId.load(p.dbId);
    return serviceDeskAddress(ctx.mail, p.entity, settings);
  }

  @FieldResolver(() => ServiceDeskSettingsType, { nullable: true, description: "null below Maintainer." })
  async serviceDeskSettings(@Root() p: ProjectType, @Ctx() ctx: ApiContext): Promise<ServiceDeskSettingsType | null> {
    const abilities = await loadersOf(ctx).abilities.load(p.dbId);
    if (!abilities?.adminServiceDesk) return null;
    return presentServiceDeskSettings(
      p.entity,
      await loadersOf(ctx).settingsByProjectId.load(p.dbId),
      !!ctx.config.SERVICE_DESK_EMAIL_ADDRESS,
    );
  }

  @FieldResolver(() => ProjectPermissionsType)
  async userPermissions(@Root() p: ProjectType, @Ctx() ctx: ApiContext): Promise<ProjectPermissionsType> {
    const a = await loadersOf(ctx).abilities.load(p.dbId);
    return {
      readProject: a?.readProject ?? false,
      readConfidentialIssues: a?.readConfidential ?? false,
      createNote: a?.createNote ?? false,
      updateIssue: a?.updateIssue ?? false,
      adminProject: a?.adminServiceDesk ?? false,
      adminSavedReplies: a?.adminSavedReplies ?? false,
      adminSharedViews: a?.adminSharedViews ?? false,
    };
  }

  @FieldResolver(() => IssueType, { nullable: true, description: "null when absent or not visible to the viewer." })
  async issue(
    @Root() p: ProjectType,
    @Arg("iid", () => String) iid: string,
    @Ctx() ctx: ApiContext,
  ): Promise<IssueType | null> {
    if (!/^\d{1,9}$/.test(iid)) return null;
    const [row] = await ctx.dataSource.query("SELECT id FROM issues WHERE project_id = $1 AND iid = $2", [
      p.dbId,
      Number(iid),
    ]);
    const found = await readableIssue(ctx, row?.id ?? null);
    return found ? presentIssue(found.issue) : null;
  }

  @FieldResolver(() => IssueConnectionType, {
    description: 'Issues the viewer may see. The Service Desk list is `authorUsername: "support-bot"`.',
  })
  async issues(
    @Root() p: ProjectType,
    @Ctx() ctx: ApiContext,
    @Arg("state", () => IssueStateEnum, { nullable: true, defaultValue: IssueStateEnum.opened })
    state: IssueStateEnum,
    @Arg("search", () => String, { nullable: true }) search: string | null,
    @Arg("labelName", () => [String], { nullable: true }) labelName: string[] | null,
    @Arg("assigneeUsernames", () => [String], { nullable: true }) assigneeUsernames: string[] | null,
    @Arg("authorUsername", () => String, { nullable: true }) authorUsername: string | null,
    // Issue 10.1: true lists issues where a customer waits for an answer, in any state.
    @Arg("needsReply", () => Boolean, { nullable: true }) needsReply: boolean | null,
    @Arg("sort", () => IssueSortEnum, { nullable: true, defaultValue: IssueSortEnum.CREATED_DESC })
    sort: IssueSortEnum,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<IssueConnectionType> {
    if ((labelName?.length ?? 0) > MAX_FILTER_VALUES || (assigneeUsernames?.length ?? 0) > MAX_FILTER_VALUES) {
      throw new GraphQLError(`Filter on at most ${MAX_FILTER_VALUES} labels and ${MAX_FILTER_VALUES} assignees.`, {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    const db = ctx.dataSource.manager;
    const abilities = await loadersOf(ctx).abilities.load(p.dbId);
    const filter = await loadersOf(ctx).issueListFilter({
      projectId: p.dbId,
      state: state ?? "opened",
      search,
      labelNames: labelName,
      assigneeUsernames,
      authorUsername,
      needsReply,
      readConfidential: abilities?.readConfidential ?? false,
      viewerId: ctx.viewer?.id ?? null,
    });
    if (!filter) {
      const none = async () => ({ count: 0, exact: true });
      return {
        nodes: [],
        pageInfo: { hasNextPage: false, endCursor: null },
        countFn: async () => 0,
        cappedCountFn: none,
      };
    }
    const cappedCountFn = once(() => loadersOf(ctx).issueCounter(filter));
    // The count runs on its own connection while the page is read, when the query asks for it.
    if (asksFor(info, ["countCapped"]) || asksFor(info, ["countIsExact"])) void cappedCountFn().catch(() => undefined);
    // A query for counts only (the list's state tabs) reads no page.
    const page = onlyCounts(info)
      ? { rows: [], hasNextPage: false }
      : await listIssues(db, filter, { sort: sort ?? "CREATED_DESC", first: pageSize(first), after });
    const nodes = page.rows.map(presentIssue);
    // The rows carry the names kept with their issues: the requesters' names are read only for the rest.
    const names = loadersOf(ctx).requesterNameByIssueId;
    for (const [id, name] of keptRequesterNames(page.rows)) names.prime(id, name);
    // Issue 10.5: the snippets of this page only, in one query, read beside the rows' labels and assignees
    // (prefetchIssueFields) when a node asks for one. Then every row's fields answer without a promise.
    const snippetsAsked = !!filter.tsquery && page.rows.length > 0 && asksFor(info, ["nodes", "searchSnippet"]);
    // A failed read of the snippets fails each row's snippet (a nullable field), not the list.
    const [snippets] = await Promise.all([
      snippetsAsked
        ? searchSnippets(
            db,
            filter,
            page.rows.map((r) => r.id),
          ).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))
        : new Map<number, SearchSnippet>(),
      prefetchIssueFields(ctx, info, nodes, ["nodes"]),
    ]);
    for (const n of nodes) n.pageSnippets = snippets;
    return {
      nodes,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.at(-1)?.cursor ?? null },
      countFn: () => countIssues(db, filter),
      cappedCountFn,
    };
  }

  @FieldResolver(() => LabelConnectionType, { description: "The project's labels (for pickers)." })
  async labels(@Root() p: ProjectType, @Ctx() ctx: ApiContext): Promise<LabelConnectionType> {
    const labels = await loadersOf(ctx).labelsByProjectId.load(p.dbId);
    return { nodes: labels.map((l) => ({ id: toGid("Label", l.id), title: l.title, color: l.color })) };
  }

  @FieldResolver(() => ProjectMemberConnectionType, {
    description: "Members directly and through the project's groups, with the highest role (for pickers).",
  })
  async projectMembers(@Root() p: ProjectType, @Ctx() ctx: ApiContext): Promise<ProjectMemberConnectionType> {
    const rows: { id: number; username: string; name: string; level: number }[] = await ctx.dataSource.query(
      `WITH RECURSIVE ancestors AS (
         SELECT g.id, g.parent_id FROM groups g WHERE g.id = $2
         UNION ALL SELECT g.id, g.parent_id FROM groups g JOIN ancestors a ON g.id = a.parent_id
       ), levels AS (
         SELECT user_id, access_level FROM project_members WHERE project_id = $1
         UNION ALL SELECT user_id, access_level FROM group_members WHERE group_id IN (SELECT id FROM ancestors)
       )
       SELECT u.id, u.username, u.name, max(l.access_level)::int AS level
       FROM levels l JOIN users u ON u.id = l.user_id WHERE NOT u.blocked
       GROUP BY u.id ORDER BY u.username`,
      [p.dbId, p.entity.groupId],
    );
    return {
      nodes: rows.map((r) => ({
        user: { id: toGid("User", r.id), username: r.username, name: r.name },
        accessLevel: { integerValue: r.level, stringValue: LEVEL_NAMES[r.level] ?? String(r.level) },
      })),
    };
  }
}
