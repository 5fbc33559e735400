// Issue 10.3 through GraphQL: saved views of the issue list. Personal ones for their owner; a project's
// shared ones for every member to see and Maintainer+ to manage (core's savedViewAccess over the one policy).
// A view the viewer may not change reads as not found.
import {
  createSavedView,
  deleteSavedView,
  findSavedView,
  ISSUE_LIST_STATES,
  ISSUE_LIST_TABS,
  type IssueListState,
  type IssueListTab,
  listSavedViews,
  type SavedView,
  type SavedViewFilters,
  savedViewAccess,
  updateSavedView,
  type ViewActor,
} from "@tidings/core";
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableProject } from "../access.ts";
import { fromGid, toGid } from "../ids.ts";
import { loadersOf } from "../loaders.ts";
import { runMutation } from "../mutation.ts";
import { IssueSortEnum } from "../types/enums.ts";
import { ProjectType } from "../types/project.type.ts";

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const IssueListTabEnum = enumOf(ISSUE_LIST_TABS);
registerEnumType(IssueListTabEnum, { name: "IssueListTab", description: "The issue list's tab: Service Desk or All." });
export const IssueListStateEnum = enumOf(ISSUE_LIST_STATES);
registerEnumType(IssueListStateEnum, {
  name: "IssueListState",
  description: "The issue list's state tab (`needs_reply`: a customer waits, any state).",
});

@ObjectType("SavedViewFilters", { description: "The issue list's filters, as its URL keeps them." })
export class SavedViewFiltersType {
  @Field(() => IssueListTabEnum) tab!: IssueListTab;
  @Field(() => IssueListStateEnum) state!: IssueListState;
  @Field(() => String) search!: string;
  @Field(() => [String]) labelName!: string[];
  @Field(() => String, { description: "Empty: any assignee." }) assigneeUsername!: string;
  @Field(() => String, { description: "Empty: any author (the All tab only)." }) authorUsername!: string;
  @Field(() => IssueSortEnum) sort!: SavedViewFilters["sort"];
}

@InputType("SavedViewFiltersInput", { description: "Omitted fields take the list's defaults." })
export class SavedViewFiltersInput {
  @Field(() => IssueListTabEnum, { nullable: true }) tab?: IssueListTab | null;
  @Field(() => IssueListStateEnum, { nullable: true }) state?: IssueListState | null;
  @Field(() => String, { nullable: true }) search?: string | null;
  @Field(() => [String], { nullable: true }) labelName?: string[] | null;
  @Field(() => String, { nullable: true }) assigneeUsername?: string | null;
  @Field(() => String, { nullable: true }) authorUsername?: string | null;
  @Field(() => IssueSortEnum, { nullable: true }) sort?: SavedViewFilters["sort"] | null;
}

@ObjectType("SavedView", { description: "Issue 10.3: a named set of the issue list's filters." })
export class SavedViewType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: "personal or project (shared with every member)" }) scope!: string;
  @Field(() => Boolean, { description: "The viewer may rename and delete it." }) canManage!: boolean;
  @Field(() => SavedViewFiltersType) filters!: SavedViewFiltersType;
}

@InputType("SavedViewCreateInput")
export class SavedViewCreateInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => String, { description: "At most 80 characters, unique among the owner's views." }) name!: string;
  @Field(() => Boolean, { nullable: true, description: "Shared with every member (Maintainer+); personal without it." })
  shared?: boolean | null;
  @Field(() => SavedViewFiltersInput) filters!: SavedViewFiltersInput;
}

@InputType("SavedViewUpdateInput")
export class SavedViewUpdateInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => SavedViewFiltersInput, { nullable: true, description: "Replaces the view's filters." })
  filters?: SavedViewFiltersInput | null;
}

@InputType("SavedViewDestroyInput")
export class SavedViewDestroyInput {
  @Field(() => ID) id!: string;
}

@ObjectType("SavedViewPayload")
export class SavedViewPayload {
  @Field(() => SavedViewType, { nullable: true }) savedView!: SavedViewType | null;
  @Field(() => [String]) errors!: string[];
}

const toCore = (f: SavedViewFiltersInput): Partial<SavedViewFilters> => ({
  tab: f.tab ?? undefined,
  state: f.state ?? undefined,
  search: f.search ?? undefined,
  labels: f.labelName ?? undefined,
  assignee: f.assigneeUsername ?? undefined,
  author: f.authorUsername ?? undefined,
  sort: f.sort ?? undefined,
});

const present = (v: SavedView, canManage: boolean): SavedViewType => ({
  id: toGid("SavedView", v.id),
  name: v.name,
  scope: v.userId === null ? "project" : "personal",
  canManage,
  filters: {
    tab: v.filters.tab,
    state: v.filters.state,
    search: v.filters.search,
    labelName: v.filters.labels,
    assigneeUsername: v.filters.assignee,
    authorUsername: v.filters.author,
    sort: v.filters.sort,
  },
});

/** The viewer as core's rules see them in this project, or null when they cannot see it. */
const actorIn = async (ctx: ApiContext, projectId: number): Promise<ViewActor | null> => {
  const abilities = await loadersOf(ctx).abilities.load(projectId);
  return abilities?.readProject ? { userId: ctx.viewer?.id ?? null, abilities } : null;
};

/** The view and its actor when the viewer may change it; null reads as not found. */
const manageable = async (ctx: ApiContext, gid: string) => {
  const id = fromGid("SavedView", gid);
  const view = id === null ? null : await findSavedView(ctx.dataSource.manager, id);
  const actor = view ? await actorIn(ctx, view.projectId) : null;
  return view && actor && savedViewAccess(actor.abilities, actor.userId, view).manage ? { view, actor } : null;
};

const refused = (): SavedViewPayload => ({ savedView: null, errors: [NOT_FOUND_OR_FORBIDDEN] });

@Resolver(() => ProjectType)
export class ProjectSavedViewsResolver {
  @FieldResolver(() => [SavedViewType], {
    description: "The viewer's own saved views of this project's issue list, then the shared ones (members).",
  })
  async savedViews(@Root() project: ProjectType, @Ctx() ctx: ApiContext): Promise<SavedViewType[]> {
    const actor = await actorIn(ctx, project.dbId);
    if (!actor) return [];
    const views = await listSavedViews(ctx.dataSource.manager, { projectId: project.dbId, actor });
    return views.map((v) => present(v, savedViewAccess(actor.abilities, actor.userId, v).manage));
  }
}

@Resolver()
export class SavedViewsResolver {
  @Mutation(() => SavedViewPayload, {
    description: "Saves the issue list's filters as a personal view, or a shared one (Maintainer+).",
  })
  async savedViewCreate(
    @Arg("input", () => SavedViewCreateInput) input: SavedViewCreateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<SavedViewPayload> {
    const found = await readableProject(ctx, { fullPath: input.projectPath });
    const actor = found ? await actorIn(ctx, found.project.id) : null;
    const shared = input.shared ?? false;
    if (!found || !actor || !(shared ? actor.abilities.adminSharedViews : actor.abilities.savePersonalViews))
      return refused();
    const result = await runMutation(ctx, (db) =>
      createSavedView(db, {
        projectId: found.project.id,
        actor,
        shared,
        name: input.name,
        filters: toCore(input.filters),
      }),
    );
    return result.ok
      ? { savedView: present(result.value, true), errors: [] }
      : { savedView: null, errors: result.errors };
  }

  @Mutation(() => SavedViewPayload, {
    description: "Renames a view or replaces its filters (its owner; Maintainer+ for shared).",
  })
  async savedViewUpdate(
    @Arg("input", () => SavedViewUpdateInput) input: SavedViewUpdateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<SavedViewPayload> {
    const found = await manageable(ctx, input.id);
    if (!found) return refused();
    const result = await runMutation(ctx, (db) =>
      updateSavedView(db, {
        id: found.view.id,
        actor: found.actor,
        name: input.name,
        filters: input.filters ? toCore(input.filters) : null,
      }),
    );
    return result.ok
      ? { savedView: present(result.value, true), errors: [] }
      : { savedView: null, errors: result.errors };
  }

  @Mutation(() => SavedViewPayload, { description: "Deletes a view (its owner; Maintainer+ for shared)." })
  async savedViewDestroy(
    @Arg("input", () => SavedViewDestroyInput) input: SavedViewDestroyInput,
    @Ctx() ctx: ApiContext,
  ): Promise<SavedViewPayload> {
    const found = await manageable(ctx, input.id);
    if (!found) return refused();
    const result = await runMutation(ctx, (db) => deleteSavedView(db, { id: found.view.id, actor: found.actor }));
    return result.ok
      ? { savedView: present(result.value, true), errors: [] }
      : { savedView: null, errors: result.errors };
  }
}
