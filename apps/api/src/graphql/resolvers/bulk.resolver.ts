// Issue 10.3: one mutation closes, reopens, labels or assigns many issues in one transaction, with one
// event per issue (Reporter+: updateIssue, the one policy; the rules are core's quick actions).
import { bulkUpdateIssues } from "@tidings/core";
import { Arg, Ctx, Field, InputType, Int, Mutation, Resolver } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableProject } from "../access.ts";
import { runMutation } from "../mutation.ts";
import { IssueStateEvent } from "../types/enums.ts";

@InputType("IssuesBulkUpdateInput")
export class IssuesBulkUpdateInput {
  @Field(() => String) projectPath!: string;
  @Field(() => [String], { description: "The issues' iids (at most 100)." }) iids!: string[];
  @Field(() => IssueStateEvent, { nullable: true }) stateEvent?: IssueStateEvent | null;
  @Field(() => [String], { nullable: true }) addLabels?: string[] | null;
  @Field(() => [String], { nullable: true }) removeLabels?: string[] | null;
  @Field(() => [String], { nullable: true, description: "Adds these assignees." }) assigneeUsernames?: string[] | null;
}

@ObjectType("IssuesBulkUpdatePayload")
export class IssuesBulkUpdatePayload {
  @Field(() => Int) updatedCount!: number;
  @Field(() => [String]) errors!: string[];
}

@Resolver()
export class BulkResolver {
  @Mutation(() => IssuesBulkUpdatePayload, {
    description: "Closes, reopens, labels or assigns many issues at once (Reporter+), in one transaction.",
  })
  async issuesBulkUpdate(
    @Arg("input", () => IssuesBulkUpdateInput) input: IssuesBulkUpdateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<IssuesBulkUpdatePayload> {
    const viewer = ctx.viewer;
    const found = await readableProject(ctx, { fullPath: input.projectPath });
    if (!viewer || !found?.abilities.updateIssue) return { updatedCount: 0, errors: [NOT_FOUND_OR_FORBIDDEN] };
    if (input.iids.some((iid) => !/^\d{1,9}$/.test(iid)))
      return { updatedCount: 0, errors: ["Each issue is named by its number (iid)."] };
    const rows: { id: number }[] = await ctx.dataSource.query(
      "SELECT id FROM issues WHERE project_id = $1 AND iid = ANY($2::int[])",
      [found.project.id, input.iids.map(Number)],
    );
    if (rows.length !== new Set(input.iids).size)
      return { updatedCount: 0, errors: ["Some of the selected issues do not exist."] };
    const result = await runMutation(ctx, (db) =>
      bulkUpdateIssues(db, ctx.mail, {
        projectId: found.project.id,
        issueIds: rows.map((r) => r.id),
        actor: viewer,
        abilities: found.abilities,
        change: {
          stateEvent: input.stateEvent === "CLOSE" ? "close" : input.stateEvent === "REOPEN" ? "reopen" : null,
          addLabels: input.addLabels,
          removeLabels: input.removeLabels,
          assigneeUsernames: input.assigneeUsernames,
        },
      }),
    );
    return result.ok ? { updatedCount: result.value, errors: [] } : { updatedCount: 0, errors: result.errors };
  }
}
