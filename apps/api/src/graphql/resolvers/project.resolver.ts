import { loadProjectAbilities } from "@tidings/core";
import { ProjectEntity } from "@tidings/db";
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { ProjectType } from "../types/project.type.ts";

export const presentProject = (p: ProjectEntity): ProjectType => ({
  id: `gid://tidings/Project/${p.id}`,
  dbId: p.id,
  fullPath: p.fullPath,
  name: p.name,
  serviceDeskEnabled: p.serviceDeskEnabled,
});

@Resolver(() => ProjectType)
export class ProjectResolver {
  @Query(() => ProjectType, { nullable: true, description: "null when the viewer may not see the project." })
  async project(@Arg("fullPath", () => ID) fullPath: string, @Ctx() ctx: ApiContext): Promise<ProjectType | null> {
    const project = await ctx.dataSource.manager.findOneBy(ProjectEntity, { fullPath });
    if (!project) return null;
    const abilities = await loadProjectAbilities(ctx.dataSource.manager, ctx.viewer, project);
    return abilities.readProject ? presentProject(project) : null;
  }
}
